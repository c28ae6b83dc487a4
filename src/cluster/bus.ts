// Messages between Parley processes. Each process keeps some state in memory — the visitors'
// page cache, author cards, the guard's context — and a write served by one process must drop
// the others' copies at once, not when they expire: a post a moderator hid must not stay visible
// on another process's cached pages. Two transports:
// - one machine (WORKERS > 1): the primary (src/cluster/primary.ts) relays each message to every
//   other worker over Node's cluster IPC;
// - several servers (REDIS_URL): every process publishes on Redis and hears everyone else
//   (src/cluster/redis.ts). While Redis is away, the IPC path still covers this server's own
//   workers, and caches keep what they hold for DEGRADED_LIFETIME_MS only (cacheLifetime), as
//   writes on other servers go unheard; when it goes and when it returns, caches are dropped.
// Outside both (one process, tests) publishing does nothing.
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';

export interface BusMessage {
  parleyBus: { channel: string; payload: unknown };
}

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();
const resyncs = new Set<() => void>();
let listening = false;

/** What src/cluster/redis.ts plugs in. */
export interface RemoteTransport {
  publish(message: string): void;
  /** Starts delivering messages (JSON strings) from every process, this one included. */
  subscribe(deliver: (message: string) => void): Promise<void>;
  up(): boolean;
}
let remote: RemoteTransport | null = null;
const self = randomUUID();

/** Lifetime of cached state while the servers cannot tell each other of writes. */
export const DEGRADED_LIFETIME_MS = 2000;

/** Tells the other processes; this process has already applied the change itself. */
export function publish(channel: string, payload: unknown): void {
  if (remote?.up()) return remote.publish(JSON.stringify({ from: self, channel, payload }));
  if (!cluster.isWorker || !process.send || !process.connected) return;
  const message: BusMessage = { parleyBus: { channel, payload } };
  process.send(message);
}

/** Runs `handler` for what other processes publish on `channel`; returns the unsubscribe. */
export function subscribe(channel: string, handler: Handler): () => void {
  if (!listening && cluster.isWorker) {
    listening = true;
    process.on('message', (m: unknown) => {
      if (isBusMessage(m)) deliver(m.parleyBus.channel, m.parleyBus.payload);
    });
  }
  let set = handlers.get(channel);
  if (!set) handlers.set(channel, (set = new Set()));
  set.add(handler);
  return () => void set.delete(handler);
}

/** Runs `drop` when messages may have been missed (the shared bus went away, or came back): drop everything cached. */
export function onResync(drop: () => void): () => void {
  resyncs.add(drop);
  return () => void resyncs.delete(drop);
}

/** How long a cache may keep what it read: `normalMs`, or a couple of seconds while other servers' writes go unheard. */
export function cacheLifetime(normalMs: number): number {
  return remote && !remote.up() ? Math.min(normalMs, DEGRADED_LIFETIME_MS) : normalMs;
}

export function isBusMessage(m: unknown): m is BusMessage {
  const bus = (m as BusMessage | null)?.parleyBus;
  return typeof bus === 'object' && bus !== null && typeof bus.channel === 'string';
}

function deliver(channel: string, payload: unknown): void {
  for (const h of handlers.get(channel) ?? []) h(payload);
}

function resync(): void {
  for (const drop of resyncs) drop();
}

/** Plugs the shared (Redis) transport in; the caller reports its state changes. */
export function useRemoteBus(transport: RemoteTransport): { ready: Promise<void>; degraded(): void; recovered(): void; stop(): void } {
  remote = transport;
  const ready = transport.subscribe((raw) => {
    if (remote !== transport) return;
    let m: { from?: unknown; channel?: unknown; payload?: unknown };
    try {
      m = JSON.parse(raw) as typeof m;
    } catch {
      return;
    }
    if (m.from === self || typeof m.channel !== 'string') return;
    deliver(m.channel, m.payload);
  });
  return {
    ready,
    degraded: resync,
    recovered: resync,
    stop: () => {
      if (remote === transport) remote = null;
    },
  };
}
