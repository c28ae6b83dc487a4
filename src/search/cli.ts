// `parley reindex`: rebuild the search index (after a bulk import or a restore), with a progress bar.
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';

type WithDatabase = <T>(fn: (db: Database, config: Config) => Promise<T>) => Promise<T>;

export function registerSearchCommands(program: Command, withDatabase: WithDatabase): void {
  program
    .command('reindex')
    .description('rebuild the full-text search index from all topics, replies and published articles')
    .action(() =>
      withDatabase(async (database) => {
        const [{ default: cliProgress }, { rebuildSearchIndex }] = await Promise.all([import('cli-progress'), import('./rebuild-index.ts')]);
        const started = Date.now();
        // The bar goes to stderr (cli-progress's default); the summary to stdout. Not on a terminal
        // (a service's log, a pipe), a line every 30 s instead: at 10 M posts a reindex takes most
        // of an hour, which should not pass in silence.
        const tty = process.stderr.isTTY === true;
        const bar = new cliProgress.SingleBar({
          format: `Indexing ${tty ? '[{bar}] ' : ''}{percentage}% {value}/{total} posts and articles · {eta_formatted} left`,
          hideCursor: tty,
          noTTYOutput: true,
          notTTYSchedule: 30_000,
        }, cliProgress.Presets.shades_classic);
        let begun = false;
        // Ctrl-C (or a service manager's SIGTERM) stops it between two batches, so that FTS5's
        // settings and the page cache are put back as a live server needs them.
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
        try {
          const { documents } = await rebuildSearchIndex(database.db, (done, total) => {
            if (!begun) (bar.start(total, 0), (begun = true));
            bar.update(done);
          }, { signal: stop.signal });
          bar.stop();
          process.stdout.write(`Search index rebuilt: ${documents} documents in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        } catch (err) {
          if (!stop.signal.aborted) throw err;
          bar.stop();
          process.stderr.write('\nparley: reindex stopped; search misses what it had not reached yet until `parley reindex` runs to the end.\n');
          process.exitCode = 130;
        } finally {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        }
      }),
    );
}
