// Import of customer records from CSV into the customer register (issue 5, point 2). The CSV is
// streamed (csv-parse), each record is normalised and hashed by the guard library and dropped;
// only the register's keyed hashes reach the database. Malformed rows are reported by line
// number (never by content) and skipped.
import { Transform, type Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { DB } from '../db/schema.ts';
import { CUSTOMER_FIELDS, CustomerRegister, type CustomerField } from '../guard/index.ts';
import { nowIso } from '../shared/clock.ts';
import { UserError } from '../shared/errors.ts';
import { customerRegisterKey, loadCustomerRegister } from './registers.ts';
import { bumpGuardVersion, readGuardOptions } from './settings.ts';

/** Column names accepted by --columns; 'skip' (or '-' or empty) ignores a column. */
export function parseColumns(spec: string): Array<CustomerField | null> {
  const cols = spec.split(',').map((c) => c.trim().toLowerCase());
  const out = cols.map((c) => {
    if (c === '' || c === '-' || c === 'skip') return null;
    const f = c.replace(/[- ]/g, '_');
    if (!(CUSTOMER_FIELDS as readonly string[]).includes(f)) throw new UserError(`Unknown column "${c}": use ${CUSTOMER_FIELDS.join(', ')} or skip`);
    return f as CustomerField;
  });
  const named = out.filter((c): c is CustomerField => c !== null);
  if (named.length === 0) throw new UserError('--columns names no customer field');
  if (new Set(named).size !== named.length) throw new UserError('--columns names a field twice');
  return out;
}

export interface ImportIssue {
  line: number;
  problem: string;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  /** Values that could not be normalised (e.g. an invalid phone number); the record's other fields were kept. */
  unusableValues: number;
  issues: ImportIssue[];
  headerSkipped: boolean;
  totalRecords: number;
  entries: number;
  bytesStored: number;
}

export interface ImportOptions {
  columns: Array<CustomerField | null>;
  /** Replace the register instead of adding to it. */
  replace?: boolean;
  secret: string;
  defaultRegion: CountryCode;
  importedBy?: number | null;
  delimiter?: string;
  /** Called now and then with the bytes read so far and records imported. */
  onProgress?: (bytesRead: number, records: number) => void;
  /** Keep at most this many issues in the result (all are counted). */
  maxIssues?: number;
  /** Expected number of records (pre-sizes the register). */
  expectedRecords?: number;
}

const CHUNK = 8 * 1024 * 1024;

function describe(err: unknown): string {
  const code = err instanceof CsvError ? err.code : '';
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'wrong number of columns';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a field is not escaped';
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'text after a closing quote';
    case 'CSV_MAX_RECORD_SIZE':
      return 'record too long';
    default:
      return 'malformed row';
  }
}

export async function importCustomers(db: Kysely<DB>, input: Readable, opts: ImportOptions): Promise<ImportResult> {
  const key = customerRegisterKey(opts.secret);
  const stored = await readGuardOptions(db);
  const region = stored.defaultRegion ?? opts.defaultRegion;
  let register: CustomerRegister | undefined = opts.replace ? undefined : await loadCustomerRegister(db, opts.secret, region);
  register ??= new CustomerRegister(key, { defaultRegion: region, expectedRecords: opts.expectedRecords ?? 0 });
  const width = opts.columns.length;
  const maxIssues = opts.maxIssues ?? 1000;
  const result: ImportResult = { imported: 0, skipped: 0, unusableValues: 0, issues: [], headerSkipped: false, totalRecords: 0, entries: 0, bytesStored: 0 };
  const issue = (line: number, problem: string) => {
    result.skipped++;
    if (result.issues.length < maxIssues) result.issues.push({ line, problem });
  };

  let bytesRead = 0;
  let lastLine = 0;
  input.on('data', (chunk: Buffer | string) => {
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  });
  // The file must be UTF-8 text: a register built from mis-decoded names would silently match nobody.
  // The register is only written after the whole file was read, so a refused file imports nothing.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const utf8 = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      try {
        if (b.includes(0)) throw new Error('NUL');
        decoder.decode(b, { stream: true });
      } catch {
        const hint = b[0] === 0xff && b[1] === 0xfe ? 'it looks like UTF-16' : b.includes(0) ? 'it looks like UTF-16' : 'it looks like Latin-1 or Windows-1252';
        done(new UserError(`The file is not UTF-8 text (${hint}): save it as UTF-8 (CSV UTF-8) and import it again. Nothing was imported.`));
        return;
      }
      done(null, b);
    },
  });
  input.on('error', (e) => utf8.destroy(e));
  const parser = input.pipe(utf8).pipe(
    parse({
      bom: true,
      delimiter: opts.delimiter ?? [',', ';', '\t'],
      relax_column_count: false,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // A quote inside an unquoted field is kept as text ('Maria "Mia" Jansen'); csv-parse loses
      // its place after some quote errors in skip mode otherwise (and with `trim`).
      relax_quotes: true,
      info: true,
      max_record_size: 64 * 1024,
      on_record: (record, context) => {
        lastLine = context.lines;
        return record;
      },
      on_skip: (err) => {
        const line = (err as CsvError & { lines?: number }).lines ?? 0;
        if ((err as CsvError).code === 'CSV_QUOTE_NOT_CLOSED') issue(lastLine + 1, `${describe(err)} (skipped from here to line ${line})`);
        else issue(line, describe(err));
        lastLine = line;
      },
    }),
  );
  utf8.on('error', (e) => parser.destroy(e));
  let first = true;
  let lastReport = 0;
  for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { info } = row;
    const record = row.record.map((v) => v.trim());
    if (first) {
      first = false;
      // A header row naming the columns is recognised and skipped.
      const lower = record.map((v) => v.trim().toLowerCase().replace(/[- ]/g, '_'));
      if (lower.some((v) => (CUSTOMER_FIELDS as readonly string[]).includes(v)) && lower.every((v) => !/\d{3}/.test(v))) {
        result.headerSkipped = true;
        continue;
      }
    }
    if (record.length !== width) {
      issue(info.lines, `expected ${width} columns, found ${record.length}`);
      continue;
    }
    // Normalise once; the plaintext goes no further than this loop.
    const keys: Array<[CustomerField, string]> = [];
    for (let i = 0; i < width; i++) {
      const f = opts.columns[i];
      const v = record[i];
      if (!f || !v) continue;
      const ns = register.normalise(f, v);
      if (ns.length === 0) result.unusableValues++;
      for (const n of ns) keys.push([f, n]);
    }
    if (keys.length === 0) {
      issue(info.lines, 'no usable value (names need first and last name, phone numbers must be valid)');
      continue;
    }
    const id = register.recordCount;
    for (const [f, n] of keys) register.addNormalised(f, n, id);
    result.imported++;
    if (opts.onProgress && result.imported - lastReport >= 2000) {
      lastReport = result.imported;
      opts.onProgress(bytesRead, result.imported);
    }
  }
  opts.onProgress?.(bytesRead, result.imported);
  result.issues.sort((a, b) => a.line - b.line);
  if (result.imported === 0 && !opts.replace) {
    return { ...result, totalRecords: register.recordCount, entries: register.entryCount };
  }
  const bytes = Buffer.from(register.serialize());
  result.totalRecords = register.recordCount;
  result.entries = register.entryCount;
  result.bytesStored = bytes.length;
  register = undefined; // let the table go before writing
  await db.transaction().execute(async (tx) => {
    const gen = await tx
      .insertInto('guard_customer_generations')
      .values({ record_count: result.totalRecords, entry_count: result.entries, imported_at: nowIso(), imported_by: opts.importedBy ?? null, note: opts.replace ? 'replace' : 'add' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let seq = 0, o = 0; o < bytes.length; seq++, o += CHUNK) {
      await tx.insertInto('guard_customer_chunks').values({ generation_id: gen.id, seq, bytes: bytes.subarray(o, o + CHUNK) }).execute();
    }
    await tx.deleteFrom('guard_customer_generations').where('id', '<', gen.id).execute();
    await bumpGuardVersion(tx);
  });
  return result;
}

/** Remove every customer record from the register. */
export async function clearCustomers(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('guard_customer_generations').execute();
    await bumpGuardVersion(tx);
  });
}
