// The scan a worker thread runs for one long attachment: the pure guard library over the text in
// windows (scan-long-text.ts), with registers rebuilt from the seed the main thread sends. A
// worker keeps the registers of the last seed it saw, so a seed is sent once per worker and
// register version, not with every attachment.
import { CustomerRegister, DocumentRegister, scanText, type Finding, type GuardOptions, type GuardRegisters } from '../guard/index.ts';
import type { WorkerSeed } from './registers.ts';
import { scanLongText } from './scan-long-text.ts';

export interface ScanTask {
  text: string;
  options: Partial<GuardOptions>;
  /** Identifies the registers (one per loaded guard context). */
  seedId: string;
  seed?: WorkerSeed;
}

export type ScanTaskResult = { findings: Finding[] } | { needSeed: true };

let cached: { seedId: string; registers: GuardRegisters } | undefined;

function registersFrom(seed: WorkerSeed, options: Partial<GuardOptions>): GuardRegisters {
  const documents = new DocumentRegister();
  for (const d of seed.documents) {
    const view = Buffer.from(d.fingerprints.buffer, d.fingerprints.byteOffset, d.fingerprints.byteLength);
    const hashes = Array.from({ length: Math.floor(view.length / 8) }, (_, i) => view.readDoubleLE(i * 8));
    documents.addFingerprints(d.id, hashes, d.label);
  }
  const customers = seed.customers ? CustomerRegister.fromSerialized(seed.customers.bytes, seed.customers.key, options.defaultRegion ? { defaultRegion: options.defaultRegion } : {}) : undefined;
  return { ...(customers ? { customers } : {}), documents };
}

export default async function scanTask(task: ScanTask): Promise<ScanTaskResult> {
  if (cached?.seedId !== task.seedId) {
    if (!task.seed) return { needSeed: true };
    cached = { seedId: task.seedId, registers: registersFrom(task.seed, task.options) };
  }
  const registers = cached.registers;
  return { findings: await scanLongText(task.text, (window) => scanText(window, { registers, options: task.options })) };
}
