// The S3 SDK is loaded only by an installation that keeps its files in object storage: a module
// hook (before anything imports Parley's code) reports every @aws-sdk module resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const resolved: string[] = [];
port1.on('message', (m: string) => resolved.push(m));
port1.unref();
const hooks = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/')) port.postMessage(specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });
// Messages from the hooks' thread arrive asynchronously: a round trip through the port after them.
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 100));

test('a server storing its files in the database never loads the S3 SDK; one using S3 loads it at its first file', async () => {
  const { fileStoreFor } = await import('../../src/files/file-store.ts');
  const { testDatabaseKinds } = await import('../helpers/databases.ts');
  const database = await testDatabaseKinds()[0]!.open();
  try {
    const noS3 = { S3_BUCKET: undefined, S3_ENDPOINT: undefined, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: undefined, S3_SECRET_ACCESS_KEY: undefined, S3_FORCE_PATH_STYLE: false };
    const store = fileStoreFor(noS3, database.db);
    await store.put('a.txt', Buffer.from('hello'), 'text/plain');
    assert.equal((await store.get('a.txt'))?.bytes.toString(), 'hello');
    // Configured for S3 (an endpoint nobody listens on): still not loaded until a file is asked for.
    const s3 = fileStoreFor({ ...noS3, S3_BUCKET: 'parley', S3_ENDPOINT: 'http://127.0.0.1:9', S3_FORCE_PATH_STYLE: true, S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }, database.db);
    await settle();
    assert.deepEqual(resolved, []);
    await assert.rejects(s3.get('a.txt'));
    await settle();
    // (deepEqual above narrowed the array's type to never[].)
    assert.ok((resolved as string[]).includes('@aws-sdk/client-s3'), `resolved: ${resolved.join(', ')}`);
    s3.close?.();
  } finally {
    await database.drop();
  }
});
