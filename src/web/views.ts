// Server-rendered pages: Eta templates (auto-escaped) behind `reply.view(name, data)`.
//
// This replaces @fastify/view, which on every render re-configured the engine (copying its
// settings twice), merged the data twice and resolved the template's file path again, and Eta
// resolved it once more for the layout (a JSON key, path.join, path.relative): ~25 µs of a
// topic page's ~450 µs of CPU. Here the data is merged once and each (template, caller) path is
// resolved once per process. Outside development every template is compiled once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { Eta } from 'eta';
import { escapeHtml } from './one-byte-html.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** Merged into every view's data (who is signed in, the CSRF token). Set in a preHandler. */
    locals: Record<string, unknown> | null;
    /** Renders views/NAME.eta with the default context, locals and `data`, and sends it as HTML. */
    view(name: string, data?: object): FastifyReply;
  }
}

export interface ViewOptions {
  /** The views folder (its partials/ subfolder holds the partials). */
  root: string;
  /** Re-read templates on every render, so edits show without a restart. */
  development: boolean;
  /** In every view's data (site name and address, helpers). */
  defaultContext: Record<string, unknown>;
}

export const views = fp(async (app: FastifyInstance, opts: ViewOptions) => {
  const eta = templateEngine(opts);
  app.decorateReply('locals', null);
  app.decorateReply('view', function (this: FastifyReply, name: string, data?: object) {
    let html: string;
    try {
      // Object.assign, not a spread of three objects: on Node 20 that spread took ~15 µs a page.
      html = eta.render(name, Object.assign({}, opts.defaultContext, this.locals, data));
    } catch (err) {
      return this.send(err);
    }
    if (!this.hasHeader('content-type')) this.type('text/html; charset=utf-8');
    // As bytes: sent as a string, Fastify first measures its UTF-8 length (a pass over the whole
    // page, ~14 µs for a topic page on Node 20) and Node then encodes it anyway when writing.
    return this.send(utf8(html));
  });
});

// Buffer.from(string) also measures the UTF-8 length before encoding: two passes over the page,
// and the slow kind whenever one character above U+00FF makes V8 keep it two bytes a character
// (a 36 KB page: 78 µs on Node 20, against 33 µs encoded once into spare room and copied out; a
// 44 KB one-byte page on Node 24: 14 against 6 µs; Node 20 is ~10 µs slower this way when it has
// Latin-1 letters).
const spare = Buffer.allocUnsafeSlow(1 << 20);

/** The string's UTF-8 bytes, encoded in one pass. */
function utf8(text: string): Buffer {
  if (text.length * 3 > spare.length) return Buffer.from(text); // a UTF-16 unit is at most 3 bytes
  const length = spare.write(text, 0);
  const bytes = Buffer.allocUnsafe(length);
  spare.copy(bytes, 0, 0, length);
  return bytes;
}

/**
 * Eta, plus `partial(name, data)` in every template for the partials that repeat per row (a post,
 * an author). Eta's `include` copies all of the caller's data into each call and resolves the
 * path each time: on a topic page of 20 posts that was ~40 % of the rendering time, mostly GC.
 * A partial gets only the data it is given. Outside development they are compiled once, here.
 */
export function templateEngine({ root, development }: Pick<ViewOptions, 'root' | 'development'>): Eta {
  const partials = join(root, 'partials');
  const eta = new Eta({
    views: root,
    cache: !development,
    autoEscape: true,
    escapeFunction: escapeHtml, // Eta's own five entities, and pages kept one byte a character
    autoTrim: false,
    functionHeader: development
      ? `const partial = (name, data) => this.render('/partials/' + name, data, options);` // re-read on change
      : `const partial = (name, data) => this.templatesSync.get('@' + name).call(this, data, options);`, // compiled at start
  });
  // A template's file from its name and the including template's file: the same answer every
  // time (Eta checks that it stays inside the views folder), so it is worked out once.
  const resolve = eta.resolvePath!;
  const resolved = new Map<string, string>();
  eta.resolvePath = function (template, options) {
    const key = `${options?.filepath ?? ''}\u0000${template}`;
    let path = resolved.get(key);
    if (path === undefined) resolved.set(key, (path = resolve.call(this, template, options)));
    return path;
  };
  if (!development) {
    for (const file of readdirSync(partials)) {
      if (file.endsWith('.eta')) eta.loadTemplate('@' + file.slice(0, -4), readFileSync(join(partials, file), 'utf8'));
    }
  }
  return eta;
}
