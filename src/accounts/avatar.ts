// Avatars: the uploaded bytes must decode as an image (the content decides, not the file name
// or the declared type); they are re-encoded to a 256×256 WebP, which also drops any metadata
// (location, camera) and anything hidden in the original file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { UserError } from '../shared/errors.ts';

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);
export const avatarDir = (uploadsDir: string) => join(uploadsDir, 'avatars');

export async function setAvatar(db: Kysely<DB>, actor: Actor, bytes: Buffer, uploadsDir: string): Promise<string> {
  if (bytes.length === 0) throw new UserError('Choose an image file to upload.', 400, 'avatar');
  if (bytes.length > AVATAR_MAX_BYTES) throw new UserError('The image is larger than 5 MB.', 413, 'avatar');
  let resized: Buffer;
  try {
    const image = sharp(bytes, { limitInputPixels: 40_000_000, failOn: 'error' });
    const meta = await image.metadata();
    if (!meta.format || !ACCEPTED.has(meta.format)) throw new Error('format');
    resized = await image.rotate().resize(256, 256, { fit: 'cover' }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw new UserError('That file is not an image we can use: upload a JPEG, PNG, WebP or GIF.', 415, 'avatar');
  }
  const dir = avatarDir(uploadsDir);
  mkdirSync(dir, { recursive: true });
  const file = `${actor.id}-${randomBytes(6).toString('hex')}.webp`;
  writeFileSync(join(dir, file), resized);
  const previous = await db.selectFrom('users').select('avatar').where('id', '=', actor.id).executeTakeFirst();
  await db.updateTable('users').set({ avatar: file }).where('id', '=', actor.id).execute();
  if (previous?.avatar) rmSync(join(dir, previous.avatar), { force: true });
  return file;
}
