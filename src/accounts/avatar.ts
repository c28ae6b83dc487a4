// Avatars: the uploaded bytes must decode as an image (the content decides, not the file name
// or the declared type); they are re-encoded to a 256×256 WebP, which also drops any metadata
// (location, camera) and anything hidden in the original file.
// They are kept in the file store (src/files: the database, or S3), where every server sees them.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import type { FileStore } from '../files/file-store.ts';

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif']);
/** Where avatars were kept before the file store (imported at start: src/files/import-uploads.ts). */
export const avatarDir = (uploadsDir: string) => join(uploadsDir, 'avatars');
/** The file store's key of an avatar file name. */
export const avatarKey = (file: string) => `avatars/${file}`;
/** What an avatar's file name looks like (anything else is not one). */
export const AVATAR_NAME = /^\d+-[0-9a-f]{12}\.webp$/;

export async function setAvatar(db: Kysely<DB>, actor: Actor, bytes: Buffer, files: FileStore): Promise<string> {
  if (bytes.length === 0) throw new UserError(text('accounts:errors.chooseImage'), 400, 'avatar');
  if (bytes.length > AVATAR_MAX_BYTES) throw new UserError(text('accounts:errors.imageTooLarge'), 413, 'avatar');
  let resized: Buffer;
  try {
    const image = sharp(bytes, { limitInputPixels: 40_000_000, failOn: 'error' });
    const meta = await image.metadata();
    if (!meta.format || !ACCEPTED.has(meta.format)) throw new Error('format');
    resized = await image.rotate().resize(256, 256, { fit: 'cover' }).webp({ quality: 82 }).toBuffer();
  } catch {
    throw new UserError(text('accounts:errors.notAnImage'), 415, 'avatar');
  }
  // A new name each time: the old address may be cached for a week, the new one is fetched at once.
  const file = `${actor.id}-${randomBytes(6).toString('hex')}.webp`;
  await files.put(avatarKey(file), resized, 'image/webp');
  const previous = await db.selectFrom('users').select('avatar').where('id', '=', actor.id).executeTakeFirst();
  await db.updateTable('users').set({ avatar: file }).where('id', '=', actor.id).execute();
  if (previous?.avatar) await files.delete(avatarKey(previous.avatar));
  return file;
}
