// Messages between the worker processes of one Parley server (WORKERS > 1). Each worker keeps
// some state in memory — the visitors' page cache, author cards, the guard's context — and a
// write served by one worker must drop the others' copies at once, not when they expire: a
// post a moderator hid must not stay visible on the other workers' cached pages. The primary
// (src/cluster/primary.ts) relays each message to every other worker over Node's cluster IPC.
// Outside a cluster (one process, tests) publishing does nothing.
import cluster from 'node:cluster';

export interface BusMessage {
  parleyBus: { channel: string; payload: unknown };
}

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();
let listening = false;

/** Tells the other workers; this process has already applied the change itself. */
export function publish(channel: string, payload: unknown): void {
  if (!cluster.isWorker || !process.send || !process.connected) return;
  const message: BusMessage = { parleyBus: { channel, payload } };
  process.send(message);
}

/** Runs `handler` for what other workers publish on `channel`; returns the unsubscribe. */
export function subscribe(channel: string, handler: Handler): () => void {
  if (!listening && cluster.isWorker) {
    listening = true;
    process.on('message', (m: unknown) => {
      if (!isBusMessage(m)) return;
      for (const h of handlers.get(m.parleyBus.channel) ?? []) h(m.parleyBus.payload);
    });
  }
  let set = handlers.get(channel);
  if (!set) handlers.set(channel, (set = new Set()));
  set.add(handler);
  return () => void set.delete(handler);
}

export function isBusMessage(m: unknown): m is BusMessage {
  const bus = (m as BusMessage | null)?.parleyBus;
  return typeof bus === 'object' && bus !== null && typeof bus.channel === 'string';
}
