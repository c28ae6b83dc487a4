// Where uploaded files (avatars) live, so that every Parley server sees the same ones: in the
// database by default (table stored_files: they are small re-encoded images, and they then come
// with the database's backups), or in S3-compatible object storage when S3_BUCKET is set. Each
// file is written once under a fresh name and never changed, so it can be cached for long.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
  etag: string;
}

export interface FileStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The file, or null; with `etagOnly`, bytes may be left empty (answering If-None-Match). */
  get(key: string, opts?: { etagOnly?: boolean }): Promise<StoredFile | null>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** A strong validator from the content: the same bytes give the same ETag on every server. */
export const etagOf = (bytes: Buffer) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

export function databaseFileStore(db: Kysely<DB>): FileStore {
  return {
    async put(key, bytes, contentType) {
      await db
        .insertInto('stored_files')
        .values({ key, content_type: contentType, byte_size: bytes.length, etag: etagOf(bytes), bytes, created_at: nowIso() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ content_type: contentType, byte_size: bytes.length, etag: etagOf(bytes), bytes }))
        .execute();
    },
    async get(key, opts = {}) {
      if (opts.etagOnly) {
        const row = await db.selectFrom('stored_files').select(['content_type', 'etag']).where('key', '=', key).executeTakeFirst();
        return row ? { bytes: Buffer.alloc(0), contentType: row.content_type, etag: row.etag } : null;
      }
      const row = await db.selectFrom('stored_files').select(['content_type', 'etag', 'bytes']).where('key', '=', key).executeTakeFirst();
      return row ? { bytes: Buffer.from(row.bytes), contentType: row.content_type, etag: row.etag } : null;
    },
    async has(key) {
      return !!(await db.selectFrom('stored_files').select('key').where('key', '=', key).executeTakeFirst());
    },
    async delete(key) {
      await db.deleteFrom('stored_files').where('key', '=', key).execute();
    },
  };
}

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style addresses (http://host/bucket/key): what MinIO, Garage, Ceph and most self-hosted servers want. */
  forcePathStyle: boolean;
}

export function s3FileStore(s: S3Settings): FileStore & { close(): void } {
  // The SDK is loaded on the first use, not at start: ~4.6 MB of heap (and its start-up time) in
  // every process of an installation that keeps its files in the database, the default.
  let client: S3Client | undefined;
  const s3 = async () => {
    const sdk = await import('@aws-sdk/client-s3');
    client ??= new sdk.S3Client({
      region: s.region,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      forcePathStyle: s.forcePathStyle,
      ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
    });
    return { client, sdk };
  };
  const notFound = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  };
  return {
    async put(key, bytes, contentType) {
      const { client, sdk } = await s3();
      // The ETag travels as metadata, so that every server answers with the same one as from the database.
      await client.send(new sdk.PutObjectCommand({ Bucket: s.bucket, Key: key, Body: bytes, ContentType: contentType, Metadata: { 'parley-etag': etagOf(bytes) } }));
    },
    async get(key, opts = {}) {
      const { client, sdk } = await s3();
      try {
        if (opts.etagOnly) {
          const head = await client.send(new sdk.HeadObjectCommand({ Bucket: s.bucket, Key: key }));
          return { bytes: Buffer.alloc(0), contentType: head.ContentType ?? 'application/octet-stream', etag: head.Metadata?.['parley-etag'] ?? head.ETag ?? '' };
        }
        const got = await client.send(new sdk.GetObjectCommand({ Bucket: s.bucket, Key: key }));
        const bytes = Buffer.from(await got.Body!.transformToByteArray());
        return { bytes, contentType: got.ContentType ?? 'application/octet-stream', etag: got.Metadata?.['parley-etag'] ?? etagOf(bytes) };
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    async has(key) {
      return (await this.get(key, { etagOnly: true })) !== null;
    },
    async delete(key) {
      const { client, sdk } = await s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: s.bucket, Key: key }));
    },
    close: () => client?.destroy(),
  };
}

/** The store this configuration asks for. */
export function fileStoreFor(config: Pick<Config, 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>, db: Kysely<DB>): FileStore & { close?(): void } {
  if (!config.S3_BUCKET) return databaseFileStore(db);
  return s3FileStore({
    bucket: config.S3_BUCKET,
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}
