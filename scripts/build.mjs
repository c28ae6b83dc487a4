// Compiles src/ to JavaScript in dist/ (run by `npm ci`/`npm install` through `prepare`), so that
// `parley` starts without compiling TypeScript at every call. Without TypeScript installed (a
// production install without dev packages) it does nothing and bin/parley.js keeps using tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('parley build: TypeScript is not installed; `parley` will run the sources through tsx.\n');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.stderr.write('parley build: compiling failed; `parley` will run the sources through tsx.\n');
  process.exit(result.status ?? 1);
}
// Templates, static files, plain-JavaScript workers and texts the code reads beside itself.
cpSync(join(root, 'src'), dist, { recursive: true, filter: (src) => !src.endsWith('.ts') });
// The person detector's name lists, prebuilt (see src/confidentiality/gazetteer-snapshot.ts).
const { writeGazetteerSnapshot } = await import(new URL('../dist/confidentiality/gazetteer-snapshot.js', import.meta.url).href);
writeGazetteerSnapshot();
// Short commands (`parley --help`, `parley guard scan`) from one bundle (dist/short/, chunks loaded
// as used): loading kysely, libphonenumber-js and zod as ~470 separate ES modules cost more than the
// scan itself. The directory sits beside the compiled ones, so paths relative to a module
// ('../guard/gazetteer.snapshot') still resolve. esbuild comes with tsx; without it, no bundle.
try {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(dist, 'cli/main.js')],
    outdir: join(dist, 'short'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Native and optional modules stay in node_modules.
    external: ['better-sqlite3', 'pg-native', 'cpu-features', 'ssh2'],
    banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
    logLevel: 'error',
  });
} catch (err) {
  rmSync(join(dist, 'short'), { recursive: true, force: true });
  process.stderr.write(`parley build: no bundle for short commands (${err.message.split('\n')[0]}); they run dist/ as the others.\n`);
}
// The stamp's time is what bin/parley.js compares with the sources' times.
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
