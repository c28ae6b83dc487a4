// `parley guard …`: the customer register, the document register, the policy, and scanning a
// text for trying the policy out. Registered on the main command by src/cli/main.ts.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CountryCode } from 'libphonenumber-js';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Finding } from '../guard/index.ts';
import { UserError } from '../shared/errors.ts';

// Each command imports what it uses when it runs, so that `parley --help` and the other commands
// do not load the guard, the PDF reader or the CSV parser.
const guardKey = () => import('./guard-key.ts');
const documents = () => import('./documents.ts');
const importer = () => import('./import-customers.ts');
const settings = () => import('./settings.ts');

type WithDatabase = <T>(fn: (db: Database, config: Config) => Promise<T>) => Promise<T>;
const out = (s: string) => process.stdout.write(s);

function readInput(file: string | undefined): string {
  try {
    return !file || file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file ?? 'standard input'}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readFileOrFail(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** A finding as `--json` prints it: offsets in UTF-16 code units, as JavaScript counts them. */
const jsonFinding = (f: Finding) => ({ type: f.type, start: f.start, end: f.end, confidence: Math.round(f.confidence * 1000) / 1000, reason: f.reason });

async function setup(database: Database, config: Config) {
  const [{ resolveGuardKey }, { configureGuard, loadGuardContext }, { warmGazetteer }] = await Promise.all([guardKey(), import('./registers.ts'), import('./gazetteer-snapshot.ts')]);
  warmGazetteer();
  configureGuard(database.db, { secret: await resolveGuardKey(database.db, config), defaultRegion: config.DEFAULT_PHONE_REGION as CountryCode });
  return loadGuardContext(database.db);
}

export function registerGuardCommands(program: Command, withDatabase: WithDatabase): void {
  const guard = program.command('guard').description('the confidentiality guard: customer register, confidential documents, policy, scanning');

  guard
    .command('import-customers')
    .description('import customer records from a CSV file into the customer register (stored as keyed hashes only)')
    .argument('<file>', 'CSV file (comma, semicolon or tab separated; a header row is recognised), or - for standard input')
    .requiredOption('--columns <list>', 'the CSV columns in order, e.g. name,phone,email,address,customer_number (skip to ignore one)')
    .option('--replace', 'replace the register instead of adding to it')
    .action((file: string, opts: { columns: string; replace?: boolean }) =>
      withDatabase(async (database, config) => {
        const [{ importCustomers, parseColumns }, { resolveGuardKey }, { default: cliProgress }] = await Promise.all([importer(), guardKey(), import('cli-progress')]);
        const columns = parseColumns(opts.columns);
        let size = 0;
        if (file !== '-') {
          try {
            size = statSync(file).size;
          } catch {
            throw new UserError(`cannot read ${file}: no such file`);
          }
        }
        const input = file === '-' ? process.stdin : createReadStream(file);
        const bar = new cliProgress.SingleBar(
          { format: 'Importing customers [{bar}] {percentage}% | {records} records | {eta_formatted} left', hideCursor: true, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        if (size) bar.start(size, 0, { records: 0 });
        const started = process.hrtime.bigint();
        const result = await importCustomers(database.db, input, {
          columns,
          ...(opts.replace ? { replace: true } : {}),
          secret: await resolveGuardKey(database.db, config),
          defaultRegion: config.DEFAULT_PHONE_REGION as CountryCode,
          expectedRecords: size ? Math.ceil(size / 60) : 0,
          onProgress: (bytes, records) => size && bar.update(bytes, { records }),
        });
        if (size) bar.stop();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const i of result.issues) process.stderr.write(`line ${i.line}: skipped: ${i.problem}\n`);
        if (result.skipped > result.issues.length) process.stderr.write(`… and ${result.skipped - result.issues.length} more skipped rows\n`);
        out(
          `Imported ${result.imported} customer record(s) in ${seconds.toFixed(1)} s; skipped ${result.skipped} malformed row(s)` +
            (result.unusableValues ? `; ${result.unusableValues} value(s) could not be used (e.g. invalid phone numbers)` : '') +
            (result.headerSkipped ? '; header row recognised' : '') +
            `.\nThe register now holds ${result.totalRecords} record(s) as ${result.entries} keyed hashes (${(result.bytesStored / 1048576).toFixed(1)} MB). No plaintext was stored.\n`,
        );
        if (result.imported === 0 && result.skipped > 0) throw new UserError('No usable customer records in the file');
      }),
    );

  guard
    .command('clear-customers')
    .description('remove every record from the customer register')
    .action(() =>
      withDatabase(async (database) => {
        const { clearCustomers } = await importer();
        await clearCustomers(database.db);
        out('The customer register is empty.\n');
      }),
    );

  guard
    .command('rotate-key')
    .description('make a new guard key (the key of the customer register, kept outside the database) and empty the register: import the customers again afterwards')
    .action(() =>
      withDatabase(async (database, config) => {
        const { path } = await (await guardKey()).rotateGuardKey(database.db, config);
        out(`A new guard key is in ${path} (readable by its owner only): back it up apart from the database.\nThe customer register is empty (its hashes were made with the old key): import the customers again with \`parley guard import-customers FILE --columns …\`.\n`);
      }),
    );

  guard
    .command('add-document')
    .description('register a document by fingerprint (text, Markdown, HTML or PDF); its text is not stored')
    .argument('<file>', 'the document')
    .requiredOption('--label <label>', 'confidential or public')
    .action((file: string, opts: { label: string }) =>
      withDatabase(async (database) => {
        const { addDocument, extractDocumentText, parseLabel } = await documents();
        const label = parseLabel(opts.label);
        const text = await extractDocumentText(basename(file), readFileOrFail(file));
        const doc = await addDocument(database.db, { fileName: basename(file), text, label });
        out(`Registered ${doc.fileName} as ${doc.label} document #${doc.id} (${doc.words} words, ${doc.fingerprints} fingerprints).\n`);
      }),
    );

  guard
    .command('list-documents')
    .description('list the registered documents')
    .action(() =>
      withDatabase(async (database) => {
        const { listDocuments } = await documents();
        const docs = await listDocuments(database.db);
        if (docs.length === 0) return void out('No documents are registered.\n');
        out(`${'id'.padStart(5)}  ${'label'.padEnd(12)} ${'fingerprints'.padStart(12)}  ${'added'.padEnd(20)} file\n`);
        for (const d of docs) out(`${String(d.id).padStart(5)}  ${d.label.padEnd(12)} ${String(d.fingerprint_count).padStart(12)}  ${d.added_at.slice(0, 19).padEnd(20)} ${d.file_name}\n`);
      }),
    );

  guard
    .command('remove-document')
    .description('remove a registered document')
    .argument('<id>', 'document id (see list-documents)')
    .action((id: string) =>
      withDatabase(async (database) => {
        if (!/^\d+$/.test(id)) throw new UserError(`document id must be a number, not "${id}"`);
        const { removeDocument } = await documents();
        const { fileName } = await removeDocument(database.db, Number(id));
        out(`Removed document #${id} (${fileName}).\n`);
      }),
    );

  guard
    .command('scan')
    .description('print the findings for a text, for trying the policy out')
    .argument('[file]', 'text file, or - (default) for standard input')
    .option('--json', 'one JSON object per finding: type, start, end (UTF-16 code units), confidence, reason')
    .option('--jsonl', 'read a JSONL file of {"text": ...} objects; write one JSON array of findings per input line')
    .option('--role <role>', 'decide as this role (member, employee, moderator, community_manager, admin)', 'employee')
    .action((file: string | undefined, opts: { json?: boolean; jsonl?: boolean; role: string }) =>
      withDatabase(async (database, config) => {
        const [ctx, { decide, scanText }] = await Promise.all([setup(database, config), import('../guard/index.ts')]);
        const scan = (text: string) => scanText(text, { registers: ctx.registers, options: ctx.options });
        const input = readInput(file);
        if (opts.jsonl) {
          const lines = input.split('\n');
          if (lines.at(-1) === '') lines.pop();
          // Every line is checked before any is scanned: a malformed file gives a message and no output.
          const texts = lines.map((line, i) => {
            let text: unknown;
            try {
              text = line.trim() ? (JSON.parse(line) as { text?: unknown }).text : '';
            } catch {
              throw new UserError(`line ${i + 1} is not valid JSON: nothing was scanned`);
            }
            if (typeof text !== 'string') throw new UserError(`line ${i + 1} has no "text" string: nothing was scanned`);
            return text;
          });
          for (const text of texts) out(`${JSON.stringify(scan(text).map(jsonFinding))}\n`);
          return;
        }
        const findings = scan(input);
        if (opts.json) {
          for (const f of findings) out(`${JSON.stringify(jsonFinding(f))}\n`);
          return;
        }
        if (findings.length === 0) out('No findings.\n');
        for (const f of findings) out(`${f.type.padEnd(22)} ${`${f.start}-${f.end}`.padEnd(11)} ${f.confidence.toFixed(2)}  ${f.reason}\n`);
        const d = decide(findings, { roles: [opts.role, 'member'], policy: ctx.policy });
        out(`Decision for ${opts.role}: ${d.action}${d.canAskCommunityTeam ? ' (may ask the community team)' : ''}\n`);
        out(`Registers: ${ctx.customerRecords} customer record(s), ${ctx.documents} document(s).\n`);
      }),
    );

  for (const [name, what] of [
    ['policy', 'the guard policy (role → finding type → allow|warn|mask|hold|block, minConfidence, maskRetentionDays)'],
    ['options', 'the guard options (defaultRegion, pricePlans, customerNumberPatterns)'],
  ] as const) {
    guard
      .command(name)
      .description(`print ${what}, or set it from a JSON file`)
      .option('--set <file>', 'JSON file to validate and save')
      .action((opts: { set?: string }) =>
        withDatabase(async (database) => {
          const s = await settings();
          const [read, save] = name === 'policy' ? [s.readGuardPolicy, s.saveGuardPolicy] : [s.readGuardOptions, s.saveGuardOptions];
          if (opts.set) {
            let json: unknown;
            try {
              json = JSON.parse(readInput(opts.set));
            } catch (err) {
              if (err instanceof UserError) throw err;
              throw new UserError(`${opts.set} is not valid JSON`);
            }
            await save(database.db, json);
            out(`Saved the guard ${name}; running servers pick it up within a few seconds.\n`);
          }
          out(`${JSON.stringify(await read(database.db), null, 2)}\n`);
        }),
      );
  }
}
