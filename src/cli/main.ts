// The `parley` command. Each sub-command reports bad input with a message and a non-zero exit.
// Only commander and the configuration load up front: every command imports what it uses when it
// runs, so `parley --help` or `parley guard scan` do not pay for the web server, the seeder or pino.
import { Command, CommanderError } from 'commander';
import { ConfigError, databaseConnections, loadConfig, workerCount, type Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { DemoLogin } from '../seed/seed-demo.ts';
import { UserError } from '../shared/errors.ts';
import { registerGuardCommands } from '../confidentiality/cli.ts';
import { registerSearchCommands } from '../search/cli.ts';

const progressBars = async () => (await import('cli-progress')).default;

// Output piped into a command that stops reading (`parley guard scan --jsonl big.jsonl | head`):
// stop quietly, as other command-line tools do, instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command()
  .name('parley')
  .description('Parley: a customer community where employees take part in public, with a confidentiality guard.')
  .showHelpAfterError()
  .exitOverride();

async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const [{ openDatabase }, { migrateToLatest }] = await Promise.all([import('../db/database.ts'), import('../db/migrate.ts')]);
  const database = await openDatabase(config.DATABASE_URL, { synchronous: config.SQLITE_SYNCHRONOUS });
  try {
    await migrateToLatest(database);
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

program
  .command('start')
  .description('migrate the database, seed the demo community if it is empty, and serve (PORT, HOST, DATABASE_URL, WORKERS)')
  .action(async () => {
    const config = loadConfig();
    const { isWorker, startWorkers } = await import('../cluster/primary.ts');
    const [{ prepareDatabase, startParley }, { describeDatabase }, { pino }] = await Promise.all([import('../app.ts'), import('../db/database.ts'), import('pino')]);
    if (isWorker()) return startWorker(config);
    const workers = workerCount(config);
    let running: { url: string; describe: string; demoLogins: DemoLogin[]; stop(): Promise<void> };
    if (workers === 1) {
      const one = await startParley(config, { connections: databaseConnections(config, 1) });
      running = { ...one, describe: one.database.describe };
    } else {
      // The primary prepares the database once, then each worker serves on the shared port.
      const demoLogins = await prepareDatabase(config);
      const started = await startWorkers(workers, pino({ level: config.LOG_LEVEL }), { shutdownTimeoutSeconds: config.SHUTDOWN_TIMEOUT_SECONDS });
      running = { ...started, describe: describeDatabase(config.DATABASE_URL), demoLogins };
    }
    const processes = workers === 1 ? '' : ` with ${workers} worker processes`;
    const banner = `\nParley is running on ${running.describe.replace(/^SQLite /, 'SQLite file ')}${processes}\nBrowse to ${running.url}/\n\n`;
    // After the start-up log lines have settled (workers log as they come up), as one block of
    // its own: never interleaved with JSON log lines.
    const logins = running.demoLogins;
    const { demoSite } = await import('../seed/demo-content.ts');
    setTimeout(() => {
      printDemoLogins(logins, demoSite.name, config.COMPANY_EMAIL_DOMAINS.length ? null : demoSite.companyDomain);
      process.stdout.write(banner);
    }, workers === 1 ? 200 : 1000).unref();
    // A clustered primary waits for its workers, which each have the full time (primary.ts).
    stopOnSignal(() => running.stop(), config.SHUTDOWN_TIMEOUT_SECONDS + (workers === 1 ? 0 : 5));
  });

/** A worker of a clustered server: serves until the primary stops it (or goes away). */
async function startWorker(config: Config): Promise<void> {
  const [{ reportToPrimary, workerIndex }, { startParley }] = await Promise.all([import('../cluster/primary.ts'), import('../app.ts')]);
  let running: Awaited<ReturnType<typeof startParley>>;
  try {
    const connections = databaseConnections(config);
    running = await startParley(config, { prepare: false, checkpoint: workerIndex() === 0, connections });
  } catch (err) {
    reportToPrimary({ parleyWorker: 'failed', message: (err as Error).message });
    process.exit(1);
  }
  reportToPrimary({ parleyWorker: 'listening', url: running.url });
  const stop = stopOnSignal(() => running.stop(), config.SHUTDOWN_TIMEOUT_SECONDS);
  process.on('disconnect', stop);
}

/**
 * Graceful shutdown on SIGINT/SIGTERM: stop() finishes the requests in flight within
 * SHUTDOWN_TIMEOUT_SECONDS (then cuts them and rejects: exit 1). Should closing itself hang
 * (a database that does not answer), the process ends a few seconds after the deadline anyway.
 */
function stopOnSignal(stop: () => Promise<void>, timeoutSeconds: number): () => void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), (timeoutSeconds + 5) * 1000).unref();
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`parley: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, once);
  return once;
}

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const [{ openDatabase }, { migrateToLatest }] = await Promise.all([import('../db/database.ts'), import('../db/migrate.ts')]);
    const database = await openDatabase(config.DATABASE_URL, { synchronous: config.SQLITE_SYNCHRONOUS });
    try {
      const applied = await migrateToLatest(database);
      process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The database is up to date.\n');
    } finally {
      await database.close();
    }
  });

program
  .command('db')
  .description('database maintenance')
  .command('maintain')
  .description('refresh the planner statistics (ANALYZE; VACUUM too on PostgreSQL): after an import, a restore or a bulk load')
  .action(() =>
    withDatabase(async (database) => {
      const { maintainDatabase } = await import('../operations/maintain-database.ts');
      const steps = await maintainDatabase(database);
      for (const s of steps) process.stdout.write(`${s.step}: ${s.seconds.toFixed(1)} s\n`);
      process.stdout.write(`${database.describe} maintained.\n`);
    }),
  );

program
  .command('seed')
  .description('seed the demo community into an empty database and print the demo sign-in details')
  .action(() =>
    withDatabase(async (database, config) => {
      const [cliProgress, { seedDemo }] = await Promise.all([progressBars(), import('../seed/seed-demo.ts')]);
      const bar = new cliProgress.SingleBar({ format: 'Seeding demo community [{bar}] {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
      let started = false;
      const logins = await seedDemo(database.db, (done, total) => {
        if (!started) (bar.start(total, 0), (started = true));
        bar.update(done);
      });
      bar.stop();
      const { demoSite } = await import('../seed/demo-content.ts');
      printDemoLogins(logins, demoSite.name, config.COMPANY_EMAIL_DOMAINS.length ? null : demoSite.companyDomain);
    }),
  );

const user = program.command('user').description('user administration');

user
  .command('create')
  .description('create an account (the password is read from PARLEY_PASSWORD or asked for)')
  .requiredOption('--username <name>', 'unique username')
  .requiredOption('--email <address>', 'e-mail address (treated as verified)')
  .option('--name <display name>', 'display name (defaults to the username)')
  .option('--role <role...>', 'extra roles: employee, moderator, community_manager, admin')
  .action((opts: { username: string; email: string; name?: string; role?: string[] }) =>
    withDatabase(async (database) => {
      const [{ parseRole }, { createUser }, { readSecret }] = await Promise.all([import('../accounts/change-role.ts'), import('../accounts/create-user.ts'), import('./read-secret.ts')]);
      const roles = (opts.role ?? []).map(parseRole);
      const password = process.env.PARLEY_PASSWORD || (await readSecret('Password for the new account: '));
      const { id } = await createUser(database.db, {
        username: opts.username,
        email: opts.email,
        displayName: opts.name ?? opts.username,
        password,
        roles,
        emailVerified: true,
      });
      process.stdout.write(`Created user ${opts.username} (id ${id}) with roles: ${['member', ...roles].join(', ')}\n`);
    }),
  );

user
  .command('set-password')
  .description('set a new password for a user given by username or e-mail (read from PARLEY_PASSWORD or asked for); signs them out everywhere')
  .argument('<user>', 'username or e-mail address')
  .action((login: string) =>
    withDatabase(async (database) => {
      const [{ readSecret }, { setPassword }] = await Promise.all([import('./read-secret.ts'), import('../accounts/set-password.ts')]);
      const password = process.env.PARLEY_PASSWORD || (await readSecret(`New password for ${login}: `));
      const { username } = await setPassword(database.db, login, password);
      process.stdout.write(`Password set for ${username}; their sessions have ended.\n`);
    }),
  );

for (const action of ['grant', 'revoke'] as const) {
  user
    .command(action)
    .description(`${action} a role (${action === 'grant' ? 'to' : 'from'} a user given by username or e-mail)`)
    .argument('<user>', 'username or e-mail address')
    .argument('<role>', 'employee, moderator, community_manager or admin')
    .option('--reason <text>', 'why, for the role log', '')
    .action((login: string, roleName: string, opts: { reason: string }) =>
      withDatabase(async (database) => {
        const [{ changeRole, parseRole }, { findUserByLogin, rolesOf }] = await Promise.all([import('../accounts/change-role.ts'), import('../accounts/find-user.ts')]);
        const role = parseRole(roleName);
        const found = await findUserByLogin(database.db, login);
        if (!found) throw new UserError(`No user "${login}"`);
        const changed = await changeRole(database.db, { userId: found.id, role, action, actorId: null, reason: opts.reason || `parley user ${action}` });
        const roles = await rolesOf(database.db, found.id);
        process.stdout.write(
          `${changed ? (action === 'grant' ? 'Granted' : 'Revoked') : 'Nothing to change:'} ${role} ${action === 'grant' ? 'to' : 'from'} ${found.username}. Roles now: ${roles.join(', ')}\n`,
        );
      }),
    );
}

// Moderation (issue 13): warn, silence, suspend or lift, with a reason the member is shown.
for (const action of ['warn', 'silence', 'suspend', 'lift'] as const) {
  const cmd = user
    .command(action === 'lift' ? 'unsuspend' : action)
    .description(action === 'lift' ? 'lift a suspension or silence' : `${action} a user${action === 'warn' ? '' : ' until a date'} (given by username or e-mail)`)
    .argument('<user>', 'username or e-mail address')
    .requiredOption('--reason <text>', 'why (the member is shown it)');
  if (action === 'silence' || action === 'suspend') cmd.requiredOption('--until <date>', 'YYYY-MM-DD (until the end of that day, UTC)');
  cmd.action((login: string, opts: { reason: string; until?: string }) =>
    withDatabase(async (database) => {
      const [{ findUserByLogin }, { restrictUser, standingOf }] = await Promise.all([import('../accounts/find-user.ts'), import('../moderation/restrict-user.ts')]);
      const found = await findUserByLogin(database.db, login);
      if (!found) throw new UserError(`No user "${login}"`);
      await restrictUser(database.db, null, { userId: found.id, action, reason: opts.reason, ...(opts.until ? { until: opts.until } : {}) });
      const s = await standingOf(database.db, found.id);
      process.stdout.write(`${found.username}: ${s ? `${s.kind} until ${s.until}` : action === 'warn' ? 'warning logged' : 'no restriction'} (reason: ${opts.reason})\n`);
    }),
  );
}

user
  .command('show')
  .description('show a user and their roles')
  .argument('<user>', 'username or e-mail address')
  .action((login: string) =>
    withDatabase(async (database) => {
      const { findUserByLogin, rolesOf } = await import('../accounts/find-user.ts');
      const found = await findUserByLogin(database.db, login);
      if (!found) throw new UserError(`No user "${login}"`);
      const roles = await rolesOf(database.db, found.id);
      process.stdout.write(`${found.username} (id ${found.id}) "${found.display_name}" joined ${found.created_at.slice(0, 10)}; roles: ${roles.join(', ')}\n`);
    }),
  );

// Board moderators (issue 13): a member who moderates some boards only (also on the board's edit page).
for (const action of ['moderate-board', 'unmoderate-board'] as const) {
  user
    .command(action)
    .description(action === 'moderate-board' ? 'make a user a moderator of one board (its queue items, topics and posts only)' : 'remove a user as moderator of a board')
    .argument('<user>', 'username or e-mail address')
    .argument('<board>', 'the board\'s address (slug)')
    .action((login: string, slug: string) =>
      withDatabase(async (database) => {
        const [{ findUserByLogin }, { addBoardModerator, listModeratedBoards, removeBoardModerator }] = await Promise.all([import('../accounts/find-user.ts'), import('../moderation/board-moderators.ts')]);
        const found = await findUserByLogin(database.db, login);
        if (!found) throw new UserError(`No user "${login}"`);
        const board = await database.db.selectFrom('boards').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();
        if (!board) throw new UserError(`No board "${slug}"`);
        if (action === 'moderate-board') await addBoardModerator(database.db, null, board.id, found.username);
        else await removeBoardModerator(database.db, null, board.id, found.id);
        const boards = await listModeratedBoards(database.db, found.id);
        process.stdout.write(`${found.username} moderates: ${boards.length ? boards.join(', ') : 'no boards'}\n`);
      }),
    );
}

registerGuardCommands(program, withDatabase);
registerSearchCommands(program, withDatabase);

/** A progress bar in pages for backup and restore; started at the first report. */
async function pageProgress(label: string) {
  const cliProgress = await progressBars();
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} pages`, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) (bar.start(total, 0), (started = true));
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) (bar.stop(), (started = false));
    },
  };
}

program
  .command('backup')
  .description('copy the SQLite database to FILE while Parley runs (consistent; on PostgreSQL use pg_dump, see the README)')
  .argument('<file>', 'the backup file to write (must not exist)')
  .action(async (file: string) => {
    const progress = await pageProgress('Backing up');
    const { backupDatabase } = await import('../operations/backup-database.ts');
    try {
      const r = await backupDatabase(loadConfig().DATABASE_URL, file, progress.update);
      progress.stop();
      process.stdout.write(`Backed up ${r.pages} pages (${(r.bytes / 1024 / 1024).toFixed(1)} MiB) to ${r.file}\n`);
    } finally {
      progress.stop();
    }
  });

program
  .command('restore')
  .description('replace the SQLite database with a backup made by `parley backup` (stop Parley first)')
  .argument('<file>', 'the backup file')
  .option('--force', 'replace a database that already holds data')
  .action(async (file: string, opts: { force?: boolean }) => {
    const progress = await pageProgress('Restoring');
    const { restoreDatabase } = await import('../operations/restore-database.ts');
    try {
      const r = await restoreDatabase(loadConfig().DATABASE_URL, file, { force: opts.force === true, onProgress: progress.update });
      progress.stop();
      const migrated = r.migrated.length ? `; applied ${r.migrated.length} newer migration(s)` : '';
      process.stdout.write(`Restored ${r.rows.users ?? 0} users, ${r.rows.posts ?? 0} posts, ${r.rows.guard_documents ?? 0} registered documents (${r.pages} pages)${migrated}\n`);
    } finally {
      progress.stop();
    }
  });

/** The demo's accounts as one framed block; `companyDomain` when the demo's domain is in use. */
function printDemoLogins(logins: DemoLogin[], siteName: string, companyDomain: string | null = null): void {
  if (logins.length === 0) return;
  const rows = logins.map((l) => `  ${l.username.padEnd(16)} ${l.password.padEnd(30)} ${l.roles.filter((r) => r !== 'member').join(', ') || 'member'}`);
  const rule = '='.repeat(78);
  process.stdout.write(
    [
      '',
      rule,
      `  ${siteName}: the demo community is seeded.`,
      '  Sign-in details (shown this once; passwords are random for this installation):',
      '',
      `  ${'username'.padEnd(16)} ${'password'.padEnd(30)} role`,
      ...rows,
      '',
      ...(companyDomain ? [`  Company e-mail domain: ${companyDomain} (a verified address there makes an Employee;`, '  set COMPANY_EMAIL_DOMAINS to use your own).'] : []),
      '  Staff tools: sign in as demo-moderator, demo-manager or demo-admin and open the',
      '  "Staff" menu in the header (review queue, guard settings, audit, logs).',
      '  Lost a password? npm run parley -- user set-password demo-member',
      rule,
      '',
    ].join('\n'),
  );
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof ConfigError || err instanceof UserError || ['DatabaseUnavailableError', 'WorkerStartError', 'MigrationError'].includes((err as Error).name)) {
    process.stderr.write(`parley: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ConfigError ? 78 : err instanceof UserError ? 2 : 1;
  } else {
    process.stderr.write(`parley: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
