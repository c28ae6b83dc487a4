// Bounds the guard's work per request (issue 17, point 8) and keeps long scans off the main
// thread. Before, /check with five 1 MB attachments took 4–8 s of CPU on the event loop: every
// other request of that process waited. Now a draft may hold at most GUARD_TEXT_LIMIT_KB of text
// (413 beyond), its attachments are scanned within GUARD_TIME_LIMIT_MS (422 beyond), and an
// attachment longer than one scan window goes to a pool of GUARD_THREADS worker threads
// (piscina): the guard is a pure library, so a worker runs the very same scan.
import { randomUUID } from 'node:crypto';
import { Piscina } from 'piscina';
import { MAX_TEXT_LENGTH, scanText, type Finding } from '../guard/index.ts';
import { kib } from '../attachments/text-file.ts';
import { UserError } from '../shared/errors.ts';
import type { GuardContext } from './registers.ts';
import { GuardTimeLimitError, scanLongText } from './scan-long-text.ts';
import type { ScanTask, ScanTaskResult } from './scan-task.ts';

export interface GuardWork {
  /** Characters of title, body and attachments together that one draft may hold. */
  textLimitChars: number;
  /** Time the attachments' scan may take, per request. */
  timeLimitMs: number;
  /** Worker threads for long attachments; 0 scans on the main thread (between windows it yields). */
  threads: number;
}

/** Without a server (CLI, use cases in tests): the same limits, scanning on the main thread. */
const DEFAULT_WORK: GuardWork = { textLimitChars: 3072 * 1024, timeLimitMs: 10_000, threads: 0 };
const configured = new WeakMap<object, GuardWork>();

/** Called by the server at start (src/confidentiality/maintenance.ts) with its settings; returns a release for its close. */
export function configureGuardWork(db: object, work: GuardWork): () => Promise<void> {
  configured.set(db, work);
  if (work.threads > 0) users++;
  return async () => {
    configured.delete(db);
    if (work.threads > 0 && --users === 0 && pool) {
      const p = pool;
      pool = undefined;
      await p.destroy();
    }
  };
}

export function guardWork(db: object): GuardWork {
  return configured.get(db) ?? DEFAULT_WORK;
}

/** 413 when a draft holds more text than the guard checks per request. */
export function assertWithinTextLimit(work: GuardWork, texts: ReadonlyArray<string | undefined>): void {
  const total = texts.reduce((n, t) => n + (t?.length ?? 0), 0);
  if (total > work.textLimitChars) {
    throw new UserError(
      `This post holds ${kib(total)} of text with its attachments; at most ${kib(work.textLimitChars)} can be checked at once. Attach less, or spread the files over several posts.`,
      413,
      'attachments',
    );
  }
}

// One pool per process, shared by the servers in it (tests start several).
let pool: Piscina<ScanTask, ScanTaskResult> | undefined;
let users = 0;
const seedIds = new WeakMap<GuardContext, string>();

function scanPool(threads: number): Piscina<ScanTask, ScanTaskResult> {
  pool ??= new Piscina<ScanTask, ScanTaskResult>({
    filename: new URL('./scan-worker.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
    // The worker registers tsx itself; the parent's --import tsx (tests) is not needed twice.
    execArgv: [],
  });
  return pool;
}

const isAbort = (err: unknown) => (err as { name?: string }).name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR';

/** Findings in one attachment's text, within the request's deadline (GuardTimeLimitError, 422, past it). */
export async function scanAttachmentText(ctx: GuardContext, text: string, work: GuardWork, deadline: number): Promise<Finding[]> {
  const scan = (window: string) => scanText(window, { registers: ctx.registers, options: ctx.options });
  if (work.threads === 0 || text.length <= MAX_TEXT_LENGTH) return scanLongText(text, scan, deadline);
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new GuardTimeLimitError(work.timeLimitMs);
  let seedId = seedIds.get(ctx);
  if (!seedId) seedIds.set(ctx, (seedId = randomUUID()));
  const p = scanPool(work.threads);
  const signal = AbortSignal.timeout(remaining);
  try {
    let result = await p.run({ text, options: ctx.options, seedId }, { signal });
    // A worker that has not seen these registers asks for them once.
    if ('needSeed' in result) result = await p.run({ text, options: ctx.options, seedId, seed: ctx.workerSeed() }, { signal });
    if ('needSeed' in result) throw new Error('guard worker refused its seed');
    return result.findings;
  } catch (err) {
    if (isAbort(err)) throw new GuardTimeLimitError(work.timeLimitMs);
    throw err;
  }
}
