// Before the file store, avatars were files under UPLOADS_DIR/avatars, which other servers could
// not see. At start (once per server, after migrations), those still named by an account are
// copied into the file store; a copy already there is left alone, so this is cheap once done and
// safe when several servers start together. The old files are left in place (remove them later).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { AVATAR_NAME, avatarDir, avatarKey } from '../accounts/avatar.ts';
import type { FileStore } from './file-store.ts';

export async function importUploadedAvatars(db: Kysely<DB>, files: FileStore, uploadsDir: string): Promise<number> {
  const dir = avatarDir(resolve(uploadsDir));
  if (!existsSync(dir)) return 0;
  const users = await db.selectFrom('users').select('avatar').where('avatar', 'is not', null).execute();
  let imported = 0;
  for (const { avatar } of users) {
    if (!avatar || !AVATAR_NAME.test(avatar)) continue;
    const path = join(dir, avatar);
    if (!existsSync(path) || (await files.has(avatarKey(avatar)))) continue;
    await files.put(avatarKey(avatar), readFileSync(path), 'image/webp');
    imported++;
  }
  return imported;
}
