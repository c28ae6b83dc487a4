// The person detector's name lists, prebuilt at install (scripts/build.mjs writes the snapshot
// beside the compiled code), so that `parley guard scan` does not spend ~0.4 s building them.
// Only the compiled tree has a snapshot; the sources (tsx) build the lists as before.
import { readFileSync, writeFileSync } from 'node:fs';
import { gazetteer, installGazetteer, serializeGazetteer } from '../guard/gazetteer.ts';

const SNAPSHOT = new URL('../guard/gazetteer.snapshot', import.meta.url);

/**
 * Installs the snapshot when there is one, else builds the gazetteer. `eager` (a server) builds
 * the Sets now; a short command leaves the lists in the snapshot's text (see SortedWords).
 */
export function warmGazetteer({ eager = false }: { eager?: boolean } = {}): 'snapshot' | 'built' {
  let text: string | undefined;
  try {
    text = readFileSync(SNAPSHOT, 'utf8');
  } catch {
    // No snapshot (running from the sources): build it.
  }
  if (text !== undefined && installGazetteer(text, { eager })) return 'snapshot';
  gazetteer();
  return 'built';
}

/** Called by the build: writes the snapshot of the gazetteer this code builds. */
export function writeGazetteerSnapshot(): void {
  writeFileSync(SNAPSHOT, serializeGazetteer());
}
