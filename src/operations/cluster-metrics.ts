// Metrics of a clustered server (WORKERS > 1): the worker that a scrape reaches asks the primary,
// which gathers every worker's counts with prom-client's AggregatorRegistry (summed; gauges as
// each metric's aggregator says) and sends the whole server's text back. A scrape thus sees the
// server, not whichever worker Node's cluster handed the connection to.
import type { Worker } from 'node:cluster';
import client from 'prom-client';

type MetricsMessage = { parleyMetrics: 'request'; id: number } | { parleyMetrics: 'response'; id: number; text?: string; error?: string };

export function isMetricsMessage(m: unknown): m is MetricsMessage {
  return typeof m === 'object' && m !== null && 'parleyMetrics' in m;
}

let aggregator: client.AggregatorRegistry<client.PrometheusContentType> | undefined;

/** In the primary: answers a worker's request with the whole server's metrics. */
export function answerMetricsRequest(worker: Worker, m: MetricsMessage): void {
  if (m.parleyMetrics !== 'request') return;
  aggregator ??= new client.AggregatorRegistry();
  aggregator.clusterMetrics().then(
    (text) => worker.isConnected() && worker.send({ parleyMetrics: 'response', id: m.id, text }),
    (err: Error) => worker.isConnected() && worker.send({ parleyMetrics: 'response', id: m.id, error: err.message }),
  );
}

/** In a worker: makes `registry` the one this worker reports to the primary's aggregation. */
export function reportToAggregation(registry: client.Registry): void {
  new client.AggregatorRegistry(); // installs the worker's answer to the primary's requests
  client.AggregatorRegistry.setRegistries([registry]);
}

let nextId = 0;

/** In a worker: the whole server's metrics, through the primary. */
export function metricsOfAllWorkers(timeoutMs = 6000): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (process.off('message', listen), reject(new Error('the primary did not answer'))), timeoutMs);
    function listen(m: unknown) {
      if (!isMetricsMessage(m) || m.parleyMetrics !== 'response' || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', listen);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.text ?? '');
    }
    process.on('message', listen);
    process.send!({ parleyMetrics: 'request', id });
  });
}
