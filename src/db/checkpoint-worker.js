// Runs in a worker thread (see checkpointInBackground in database.ts): its own connection to the
// SQLite file copies the write-ahead log back into the database every so often. PASSIVE never
// waits for readers or writers; what it cannot copy now it copies next time.
import { parentPort, workerData } from 'node:worker_threads';
import { SQLite as Database } from './sqlite-native.js';

const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next round tries again (the main connection's own checkpoint is the backstop).
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
