// Entry of a guard scanning thread (piscina). Plain JavaScript: it registers tsx's loader in this
// thread, as bin/parley.js does in the main one, then serves scan-task.ts.
import { register } from 'tsx/esm/api';

register();
const { default: scanTask } = await import('./scan-task.ts');
export default scanTask;
