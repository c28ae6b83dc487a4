// The schema.org items a page carries as microdata, read by an independent parser
// (microdata-node, the WHATWG algorithm over htmlparser2), the way a search engine reads them.
import assert from 'node:assert/strict';
import microdata, { type MicrodataItem } from 'microdata-node';

export type { MicrodataItem };

/** The page's top-level items; relative URLs resolved against `base` (the page's address). */
export function microdataItems(html: string, base: string): MicrodataItem[] {
  return microdata.toJson(html, { base }).items;
}

/** The page's one top-level item, which must be of `type` (a schema.org type name). */
export function onlyItem(html: string, base: string, type: string): MicrodataItem {
  const items = microdataItems(html, base);
  assert.equal(items.length, 1, `one top-level item, got ${JSON.stringify(items.map((i) => i.type))}`);
  assert.deepEqual(items[0]!.type, [`https://schema.org/${type}`]);
  return items[0]!;
}

/** Every value of a property (text, or nested items). */
export function values(item: MicrodataItem, name: string): (string | MicrodataItem)[] {
  return item.properties[name] ?? [];
}

/** The one text value of a property; fails when it has none, several, or an item. */
export function text(item: MicrodataItem, name: string): string {
  const all = values(item, name);
  assert.equal(all.length, 1, `one "${name}", got ${JSON.stringify(all)}`);
  assert.equal(typeof all[0], 'string', `"${name}" is text`);
  return all[0] as string;
}

/** The nested items of a property, each of `type`. */
export function items(item: MicrodataItem, name: string, type: string): MicrodataItem[] {
  return values(item, name).map((v) => {
    assert.ok(typeof v === 'object', `"${name}" is an item`);
    assert.deepEqual(v.type, [`https://schema.org/${type}`], `"${name}" is a ${type}`);
    return v;
  });
}

/** The one nested item of a property, of `type`. */
export function one(item: MicrodataItem, name: string, type: string): MicrodataItem {
  const all = items(item, name, type);
  assert.equal(all.length, 1, `one "${name}"`);
  return all[0]!;
}
