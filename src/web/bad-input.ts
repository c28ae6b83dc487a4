// One check at the edge for every route: path parameters, the query string and every string of
// the parsed body (form, JSON, or a multipart form's fields, which src/attachments/multipart-form.ts
// reads in the route's preValidation, before this preHandler runs) must be valid Unicode without
// NUL or other control characters. Before this, a NUL reached PostgreSQL and became a 500 (SQLite
// stored it). Tab, line feed and carriage return are allowed in bodies (multi-line text), not in
// the address. Bidi controls are left to the fields that show labels (names, titles: they refuse
// them); bodies keep them, as right-to-left text needs them.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { findBadCharacter } from '../shared/unicode-text.ts';
import { UserError } from '../shared/errors.ts';

/** Body fields that hold an attachment's text: src/attachments/text-file.ts checks them on every path (NUL or a lone
 * surrogate: 415 "not a text file", naming the file; a trace of other controls, such as ESC in coloured logs, is text). */
const ATTACHMENT_TEXT = /^(kept_text|attachments\.\d+\.content)$/;

type Where = 'address' | 'query' | 'body';

function refuse(where: Where, field: string, label: string): UserError {
  const place = where === 'address' ? 'The address' : where === 'query' ? `The query parameter “${field}”` : field ? `The field “${field}”` : 'The request';
  return new UserError(`${place} contains ${label}, which is not allowed. Remove it and try again.`, 400, where === 'body' ? field.split('.')[0] : undefined);
}

/** A safe name for a field in a message: its key without control characters, shortened. */
const fieldName = (key: string) => key.replace(/[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/g, '?').slice(0, 60);

function check(value: unknown, where: Where, path: string, depth: number): void {
  if (typeof value === 'string') {
    if (where === 'body' && ATTACHMENT_TEXT.test(path)) return;
    const bad = findBadCharacter(value, { multiline: where === 'body' });
    if (bad) throw refuse(where, path, bad.label);
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 20) return;
  if (Buffer.isBuffer(value)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const keyBad = findBadCharacter(key);
    if (keyBad) throw refuse(where, fieldName(key), keyBad.label);
    check(v, where, path ? `${path}.${fieldName(key)}` : fieldName(key), depth + 1);
  }
}

/** A preHandler for the whole server (registered before the CSRF check, so a bad token with bad input says the latter). */
export function rejectBadInput(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  try {
    const params = request.params as Record<string, unknown> | undefined;
    if (params) for (const v of Object.values(params)) check(v, 'address', '', 0);
    check(request.query, 'query', '', 0);
    check(request.body, 'body', '', 0);
  } catch (err) {
    return done(err as Error);
  }
  done();
}
