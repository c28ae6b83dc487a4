// Rate limits (sign-in, sign-up, password reset, /check, API writes) counted once for the whole
// server — and, with REDIS_URL, once for every server (SharedRateLimitStore below). Each worker
// of a clustered server would otherwise count on its own, and since connections are dealt out
// in turn, an address would get WORKERS times the attempts. The counts live in the primary, in
// @fastify/rate-limit's own LocalStore; a worker asks over the cluster's IPC channel (a few
// hundred microseconds, only on the rate-limited routes). Outside a cluster the plugin's
// LocalStore is used directly.
import cluster, { type Worker } from 'node:cluster';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

type Result = { current: number; ttl: number };
type Callback = (err: Error | null, result: Result) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
}
interface StoreParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  routeInfo?: { method?: string | string[]; url?: string };
}

const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore') as new (
  continueExceeding?: boolean,
  exponentialBackoff?: boolean,
) => Store;

const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore') as new (
  continueExceeding: boolean | undefined,
  exponentialBackoff: boolean | undefined,
  redis: Redis,
  key?: string,
) => Store & { child(params: StoreParams): Store };

interface RateAsk {
  parleyRate: { id: number; op: 'incr' | 'read'; store: string; key: string; timeWindow: number; max: number; continueExceeding: boolean; exponentialBackoff: boolean };
}
interface RateAnswer {
  parleyRateAnswer: { id: number; result: Result };
}

const ANSWER_WITHIN_MS = 2000;
let nextId = 0;
const waiting = new Map<number, (result: Result) => void>();
let listening = false;

/** The store for @fastify/rate-limit's `store` option in a worker (`new Store(params)`, then `child` per route). */
export class ClusterRateLimitStore {
  // If the primary does not answer (it is going away), the worker still limits on its own.
  private fallback: Store;

  constructor(
    private params: StoreParams,
    private name = 'global',
  ) {
    this.fallback = new LocalStore(params.continueExceeding, params.exponentialBackoff);
  }

  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    this.ask('incr', key, cb, timeWindow, max);
  }

  read(key: string, cb: Callback, timeWindow: number, max: number): void {
    this.ask('read', key, cb, timeWindow, max);
  }

  child(params: StoreParams): ClusterRateLimitStore {
    const method = [params.routeInfo?.method ?? ''].flat().join(',');
    return new ClusterRateLimitStore(params, `${method} ${params.routeInfo?.url ?? ''}`);
  }

  private ask(op: 'incr' | 'read', key: string, cb: Callback, timeWindow: number, max: number): void {
    if (!process.send || !process.connected) return this.fallback[op](key, cb, timeWindow, max);
    if (!listening) {
      listening = true;
      process.on('message', (m: Partial<RateAnswer>) => {
        const answer = m?.parleyRateAnswer;
        if (answer) waiting.get(answer.id)?.(answer.result);
      });
    }
    const id = ++nextId;
    const timer = setTimeout(() => {
      waiting.delete(id);
      this.fallback[op](key, cb, timeWindow, max);
    }, ANSWER_WITHIN_MS);
    waiting.set(id, (result) => {
      clearTimeout(timer);
      waiting.delete(id);
      cb(null, result);
    });
    const { continueExceeding = false, exponentialBackoff = false } = this.params;
    const message: RateAsk = { parleyRate: { id, op, store: this.name, key, timeWindow, max, continueExceeding, exponentialBackoff } };
    process.send(message);
  }
}

/** In the primary: answers the workers' questions from one set of counts. */
export function countRateLimits(): (worker: Worker, message: unknown) => boolean {
  const stores = new Map<string, Store>();
  return (worker, message) => {
    const ask = (message as Partial<RateAsk> | null)?.parleyRate;
    if (!ask || !cluster.isPrimary) return false;
    let store = stores.get(ask.store);
    if (!store) stores.set(ask.store, (store = new LocalStore(ask.continueExceeding, ask.exponentialBackoff)));
    store[ask.op](
      ask.key,
      (_err, result) => {
        const answer: RateAnswer = { parleyRateAnswer: { id: ask.id, result: { current: result.current, ttl: result.ttl } } };
        if (worker.isConnected()) worker.send(answer);
      },
      ask.timeWindow,
      ask.max,
    );
    return true;
  };
}

/**
 * With REDIS_URL: @fastify/rate-limit's own RedisStore counts for every server, while Redis
 * answers; while it does not, this server counts alone (in its primary when clustered, as
 * without Redis), so limits still hold, per server, until Redis returns.
 */
export function sharedRateLimitStore(redis: Redis, up: () => boolean) {
  const localStore = (params: StoreParams): Store => (cluster.isWorker ? new ClusterRateLimitStore(params) : new LocalStore(params.continueExceeding, params.exponentialBackoff));
  class SharedRateLimitStore {
    private shared: Store & { child(params: StoreParams): Store };
    private local: Store;
    constructor(params: StoreParams, shared?: Store & { child(params: StoreParams): Store }, local?: Store) {
      this.shared = shared ?? new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, 'parley:rate:');
      this.local = local ?? localStore(params);
    }
    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.use('incr', key, cb, timeWindow, max);
    }
    read(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.use('read', key, cb, timeWindow, max);
    }
    child(params: StoreParams): SharedRateLimitStore {
      const local = this.local as Store & { child?: (p: StoreParams) => Store };
      return new SharedRateLimitStore(params, this.shared.child(params) as Store & { child(params: StoreParams): Store }, local.child ? local.child(params) : localStore(params));
    }
    private use(op: 'incr' | 'read', key: string, cb: Callback, timeWindow: number, max: number): void {
      if (!up()) return this.local[op](key, cb, timeWindow, max);
      // Redis went away between the check and the answer: count this one locally.
      this.shared[op](key, (err, result) => (err ? this.local[op](key, cb, timeWindow, max) : cb(null, result)), timeWindow, max);
    }
  }
  return SharedRateLimitStore;
}
