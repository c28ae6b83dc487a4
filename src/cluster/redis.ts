// Redis (REDIS_URL) joins several Parley servers, on any machines, into one: the bus that drops
// stale pages and cards (src/cluster/bus.ts) runs over Redis pub/sub, and the rate limits are
// counted in Redis (src/cluster/rate-limit-store.ts). Redis is a helper, never a single point of
// failure: when it goes away at run time each server carries on alone — its caches keep pages a
// couple of seconds only, its limits count locally — with one warning in the log, and ioredis
// reconnects by itself; on its return the caches are dropped (messages were missed) and the
// shared counts resume. Unreachable at start, though, is a configuration error: Parley stops.
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError } from '../config.ts';
import { useRemoteBus } from './bus.ts';

export interface SharedRedis {
  /** Commands (publish, rate-limit counts). Fails fast while Redis is away (no offline queue). */
  client: Redis;
  /** Redis answers now. */
  up(): boolean;
  close(): Promise<void>;
}

const CONNECT_WITHIN_MS = 5000;
// Reconnect at once, then every 0.2 … 2 s while Redis is away.
const retryStrategy = (times: number) => Math.min(times * 200, 2000);

/** The address of REDIS_URL without its password, for messages and logs. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'REDIS_URL';
  }
}

/** Connects both connections (commands, subscriptions); throws ConfigError naming REDIS_URL if Redis does not answer. */
export async function connectRedis(url: string, log: Pick<FastifyBaseLogger, 'warn' | 'info'>): Promise<SharedRedis> {
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy, connectTimeout: CONNECT_WITHIN_MS };
  const client = new Redis(url, options);
  // The subscriber queues its SUBSCRIBE until connected and re-subscribes after each reconnect.
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  // Errors are reported once through the state below, not on every retry.
  let lastError = '';
  client.on('error', (err: Error) => (lastError = err.message));
  subscriber.on('error', () => {});
  try {
    await withTimeout(Promise.all([client.connect(), subscriber.connect()]), CONNECT_WITHIN_MS);
    await withTimeout(client.ping(), CONNECT_WITHIN_MS);
  } catch (err) {
    client.disconnect();
    subscriber.disconnect();
    throw new ConfigError(`REDIS_URL: cannot reach Redis at ${describeRedis(url)} (${lastError || (err as Error).message}). Start Redis, correct REDIS_URL, or unset it to run one server alone.`);
  }

  // Installations sharing one Redis on different database numbers do not hear each other
  // (pub/sub channels are not per database; keys are).
  const busKey = `parley:${new URL(url).pathname.slice(1) || '0'}:bus`;
  let healthy = true;
  const bothReady = () => client.status === 'ready' && subscriber.status === 'ready';
  const stopBus = useRemoteBus({
    publish: (message) => void client.publish(busKey, message).catch(() => {}),
    subscribe: (deliver) => {
      subscriber.on('message', (channel: string, message: string) => channel === busKey && deliver(message));
      return subscriber.subscribe(busKey).then(() => undefined);
    },
    up: () => healthy,
  });
  const lost = () => {
    if (!healthy) return;
    healthy = false;
    stopBus.degraded();
    log.warn({ redis: describeRedis(url) }, 'Redis is unreachable: this server carries on alone (short-lived caches, local rate limits) until it returns');
  };
  const back = () => {
    if (healthy || !bothReady()) return;
    healthy = true;
    stopBus.recovered();
    log.info({ redis: describeRedis(url) }, 'Redis is back: caches and rate limits are shared again');
  };
  for (const c of [client, subscriber]) {
    c.on('close', lost);
    c.on('end', lost);
    c.on('ready', back);
  }
  await stopBus.ready;

  let closed = false;
  return {
    client,
    up: () => healthy,
    async close() {
      if (closed) return;
      closed = true;
      stopBus.stop();
      for (const c of [client, subscriber]) {
        c.removeAllListeners('close');
        c.removeAllListeners('end');
        c.removeAllListeners('ready');
      }
      await Promise.all([client.quit().catch(() => client.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    },
  };
}


function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
