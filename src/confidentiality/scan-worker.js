// Entry of a guard scanning thread (piscina). Plain JavaScript: in the compiled tree (dist/, see
// scripts/build.mjs) scan-task.js lies beside it; in the sources it registers tsx's loader in this
// thread, as bin/parley.js does in the main one, then serves scan-task.ts.
import { existsSync } from 'node:fs';

const compiled = new URL('./scan-task.js', import.meta.url);
let scanTask;
if (existsSync(compiled)) {
  scanTask = (await import(compiled.href)).default;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  scanTask = (await import('./scan-task.ts')).default;
}
export default scanTask;
