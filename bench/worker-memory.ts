// A server process's memory as issue 19 asks for it: V8's heap beside the resident set, and the
// resident set split into anonymous memory (heap, native allocations) and mapped files, with the
// database file's own mapped pages (SQLite's memory map) counted apart. Linux only (/proc).
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WorkerMemory {
  pid: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  anonymous: number;
  mappedFiles: number;
  mappedDatabase: number;
}

/** This process's memory now; `databaseFile` names the mapped file counted as the database's.
 * With --expose-gc the heap is measured after a full collection (what stays, not garbage in flight). */
export function workerMemory(databaseFile: string | undefined): WorkerMemory {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const memory: WorkerMemory = { pid: process.pid, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, anonymous: 0, mappedFiles: 0, mappedDatabase: 0 };
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return memory; // not Linux: the split stays 0
  }
  let path = '';
  for (const line of smaps.split('\n')) {
    // A mapping's header: "start-end perms offset dev inode [path]"; its fields follow, one a line.
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      path = line.split(/\s+/).slice(5).join(' ');
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    const bytes = Number(field[2]) * 1024;
    // A file mapping's Anonymous pages (copied on write) are anonymous memory, not the file's.
    const sign = field[1] === 'Anonymous' ? -1 : 1;
    if (field[1] === 'Anonymous') memory.anonymous += bytes;
    if (path.startsWith('/')) {
      memory.mappedFiles += sign * bytes;
      if (databaseFile && path === databaseFile) memory.mappedDatabase += sign * bytes;
    }
  }
  return memory;
}

/** Every worker's memory, asked of a server started by bench/serve-parley.ts (over its IPC channel). */
export function askMemory(child: ChildProcess): Promise<WorkerMemory[]> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; memory?: WorkerMemory[] }) => {
      if (m?.type !== 'memory' || !m.memory) return;
      child.off('message', onMessage);
      resolve(m.memory);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory' });
  });
}

/** One worker's memory in MB, as the benchmarks print it. */
export function describeMemory(w: WorkerMemory): string {
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  return `pid ${w.pid}: heap ${mb(w.heapUsed)} / ${mb(w.heapTotal)}, external ${mb(w.external)}, RSS ${mb(w.rss)} = anonymous ${mb(w.anonymous)} + files ${mb(w.mappedFiles)} (database ${mb(w.mappedDatabase)})`;
}
