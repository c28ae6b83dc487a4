// `parley start` with WORKERS > 1: this process (the primary) forks that many workers, each a
// whole Parley server on the same port (Node's cluster hands them the connections in turn), so
// page views use every core: Node runs one request's JavaScript at a time per process. The
// primary serves nothing itself. It relays the cluster bus (src/cluster/bus.ts), keeps the rate
// limits' counts (src/cluster/rate-limit-store.ts), starts a new worker when one dies, and stops
// them all on SIGINT/SIGTERM.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { isBusMessage } from './bus.ts';
import { countRateLimits } from './rate-limit-store.ts';
import { answerMetricsRequest, isMetricsMessage } from '../operations/cluster-metrics.ts';

/** What a worker tells the primary about its start-up. */
export type WorkerReport = { parleyWorker: 'listening'; url: string } | { parleyWorker: 'failed'; message: string };

export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

export interface RunningWorkers {
  url: string;
  stop(): Promise<void>;
}

/** Index of this worker (0 … WORKERS-1), or null outside a cluster. Worker 0 runs the once-per-server chores. */
export function workerIndex(): number | null {
  return cluster.isWorker ? Number(process.env.PARLEY_WORKER_INDEX ?? 0) : null;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** Sent by a worker once it listens, or when its start-up failed (the primary prints it). */
export function reportToPrimary(report: WorkerReport): void {
  process.send?.(report);
}

const RESTART_DELAY_MS = { first: 500, max: 30_000 };

/**
 * The Node flags a worker runs with: this process's own, plus a 32 MB young generation
 * (`--max-semi-space-size`; V8's default is 16 MB) unless the operator chose one (in NODE_OPTIONS
 * or on the command line). With 16 MB a worker under load ran ~5 scavenges a second (--trace-gc),
 * which showed in the tail. A/B on a 1 M-post board page (bench/db-pages.ts --node-options,
 * docs/benchmarks.md, session 16): p99 lower and CPU per page ~6 % lower in most rounds, for
 * ~30 MB more resident memory per worker.
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
  return chosen ? [...execArgv] : [...execArgv, '--max-semi-space-size=32'];
}

/** A worker that dies sooner than this after it started counts as crashing at start: wait longer each time. */
const HEALTHY_AFTER_MS = 10_000;

/**
 * Forks `count` workers running this same command and resolves once all of them listen;
 * rejects (and stops the others) if one fails to start.
 */
export function startWorkers(count: number, log: Logger, opts: { shutdownTimeoutSeconds?: number } = {}): Promise<RunningWorkers> {
  // A worker given SIGTERM has SHUTDOWN_TIMEOUT_SECONDS to finish its requests and a few more to close.
  const killAfterMs = ((opts.shutdownTimeoutSeconds ?? 10) + 5) * 1000;
  const workers = new Map<number, Worker>();
  let stopping = false;
  let started = false;
  let url = '';
  let listening = 0;
  const delays = new Map<number, number>();
  const rateLimits = countRateLimits();

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });

  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      if (started || stopping) return;
      stopping = true;
      void stopAll().then(() => reject(new WorkerStartError(message)));
    };

    const fork = (index: number) => {
      const worker = cluster.fork({ PARLEY_WORKER_INDEX: String(index) });
      const bornAt = Date.now();
      workers.set(index, worker);
      worker.on('message', (m: unknown) => {
        if (rateLimits(worker, m)) return;
        if (isMetricsMessage(m)) return answerMetricsRequest(worker, m);
        if (isBusMessage(m)) {
          for (const other of workers.values()) if (other !== worker && other.isConnected()) other.send(m);
          return;
        }
        const report = m as Partial<WorkerReport> | null;
        if (report?.parleyWorker === 'failed') fail(report.message ?? 'a worker could not start');
        if (report?.parleyWorker === 'listening' && !started) {
          url = report.url ?? '';
          if (++listening === count) {
            started = true;
            resolve({ url, stop: stopAll });
          }
        }
      });
      worker.on('exit', (code, signal) => {
        if (workers.get(index) === worker) workers.delete(index);
        if (stopping) return;
        if (!started) return fail(`worker ${index + 1} exited during start-up (${signal ?? `code ${code}`})`);
        // Crashed or killed: the others keep serving; a new one takes its place.
        const quick = Date.now() - bornAt < HEALTHY_AFTER_MS;
        const delay = quick ? Math.min((delays.get(index) ?? RESTART_DELAY_MS.first / 2) * 2, RESTART_DELAY_MS.max) : RESTART_DELAY_MS.first;
        delays.set(index, delay);
        log.warn({ worker: index + 1, workerPid: worker.process.pid, exit: signal ?? code, restartInMs: delay }, 'a worker stopped; starting another');
        setTimeout(() => {
          if (!stopping) fork(index);
        }, delay).unref();
      });
    };

    async function stopAll(): Promise<void> {
      stopping = true;
      const alive = [...workers.values()].filter((w) => !w.isDead());
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((done) => {
              // Each worker closes its server (finishing requests, flushing view counts) and exits.
              const timer = setTimeout(() => w.process.kill('SIGKILL'), killAfterMs);
              w.once('exit', () => (clearTimeout(timer), done()));
              w.process.kill('SIGTERM');
            }),
        ),
      );
    }

    for (let i = 0; i < count; i++) fork(i);
  });
}
