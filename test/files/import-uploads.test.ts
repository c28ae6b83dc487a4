// Avatars written to UPLOADS_DIR by earlier versions are copied into the file store at start, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { databaseFileStore, etagOf } from '../../src/files/file-store.ts';
import { importUploadedAvatars } from '../../src/files/import-uploads.ts';

for (const kind of testDatabaseKinds()) {
  test(`${kind.name}: avatars still in UPLOADS_DIR move into the database at start, once`, async () => {
    const database = await kind.open();
    try {
      const uploads = mkdtempSync(join(tmpdir(), 'parley-uploads-'));
      mkdirSync(join(uploads, 'avatars'));
      const ann = await makeUser(database.db);
      const file = `${ann.id}-0123456789ab.webp`;
      const bytes = Buffer.from('RIFF....WEBPVP8 old avatar bytes');
      writeFileSync(join(uploads, 'avatars', file), bytes);
      writeFileSync(join(uploads, 'avatars', '99-ffffffffffff.webp'), 'nobody uses this one');
      await database.db.updateTable('users').set({ avatar: file }).where('id', '=', ann.id).execute();
      const files = databaseFileStore(database.db);
      assert.equal(await importUploadedAvatars(database.db, files, uploads), 1);
      const stored = await files.get(`avatars/${file}`);
      assert.deepEqual(stored?.bytes, bytes);
      assert.equal(stored?.etag, etagOf(bytes));
      assert.equal(await files.has('avatars/99-ffffffffffff.webp'), false, 'files no account names are left behind');
      assert.equal(await importUploadedAvatars(database.db, files, uploads), 0, 'a second start copies nothing');
      assert.equal(await importUploadedAvatars(database.db, files, join(uploads, 'missing')), 0);
    } finally {
      await database.drop();
    }
  });
}
