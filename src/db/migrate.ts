// Versioned migrations, applied in name order by `parley migrate` and on every start.
// Kysely records applied ones in its own table and takes a lock, so several processes
// starting at once do not race.
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import type { MigrationContext } from './migration-helpers.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_sessions_and_tokens.ts';
import * as m003 from './migrations/003_profiles_and_guidelines.ts';
import * as m004 from './migrations/004_sso_identities.ts';
import * as m005 from './migrations/005_topic_activity_index.ts';
import * as m006 from './migrations/006_community_features.ts';
import * as m007 from './migrations/007_knowledge.ts';
import * as m008 from './migrations/008_api_tokens.ts';
import * as m009 from './migrations/009_confidentiality.ts';
import * as m010 from './migrations/010_moderation_queue.ts';
import * as m011 from './migrations/011_attachments.ts';
import * as m012 from './migrations/012_board_listing_index.ts';
import * as m013 from './migrations/013_topic_attachment_flag.ts';
import * as m014 from './migrations/014_conversations.ts';
import * as m015 from './migrations/015_moderation.ts';
import * as m016 from './migrations/016_search_and_notifications.ts';
import * as m017 from './migrations/017_account_security.ts';
import * as m018 from './migrations/018_board_moderators.ts';
import * as m020 from './migrations/020_moderation_notices_and_digests.ts';
import * as m023 from './migrations/023_board_keyset_index.ts';
import * as m019 from './migrations/019_stored_files.ts';
import * as m021 from './migrations/021_user_locale.ts';
import * as m024 from './migrations/024_search_docs_id_range.ts';
import * as m025 from './migrations/025_posts_deleted_index.ts';
import * as m026 from './migrations/026_first_post_kudos_index.ts';
import * as m027 from './migrations/027_board_listing_covering.ts';
import * as m028 from './migrations/028_review_items_confidential.ts';
import * as m029 from './migrations/029_board_latest_and_notice_keys.ts';
import * as m030 from './migrations/030_board_topic_creators.ts';
import * as m031 from './migrations/031_conversation_added_by.ts';
import * as m032 from './migrations/032_topics_autovacuum.ts';
import * as m033 from './migrations/033_board_listing_version.ts';
import * as m034 from './migrations/034_session_devices.ts';
import * as m035 from './migrations/035_board_slug_history.ts';
import * as m036 from './migrations/036_two_factor.ts';
import * as m037 from './migrations/037_last_sign_in.ts';
import * as m038 from './migrations/038_bookmarks.ts';
import * as m039 from './migrations/039_user_ignores.ts';
import * as m040 from './migrations/040_first_post_kudos_sqlite.ts';

type MigrationModule = { up: (db: any, ctx: MigrationContext) => Promise<void>; down?: (db: any, ctx: MigrationContext) => Promise<void> };

// Listed explicitly (not read from disk) so that a bundled or type-stripped build finds them too.
const migrations: Record<string, MigrationModule> = {
  '001_initial': m001,
  '002_sessions_and_tokens': m002,
  '003_profiles_and_guidelines': m003,
  '004_sso_identities': m004,
  '005_topic_activity_index': m005,
  '006_community_features': m006,
  '007_knowledge': m007,
  '008_api_tokens': m008,
  '009_confidentiality': m009,
  '010_moderation_queue': m010,
  '011_attachments': m011,
  '012_board_listing_index': m012,
  '013_topic_attachment_flag': m013,
  '014_conversations': m014,
  '015_moderation': m015,
  '016_search_and_notifications': m016,
  '017_account_security': m017,
  '018_board_moderators': m018,
  '020_moderation_notices_and_digests': m020,
  '023_board_keyset_index': m023,
  '019_stored_files': m019,
  '021_user_locale': m021,
  '024_search_docs_id_range': m024,
  '025_posts_deleted_index': m025,
  '026_first_post_kudos_index': m026,
  '027_board_listing_covering': m027,
  '028_review_items_confidential': m028,
  '029_board_latest_and_notice_keys': m029,
  '030_board_topic_creators': m030,
  '031_conversation_added_by': m031,
  '032_topics_autovacuum': m032,
  '033_board_listing_version': m033,
  '034_session_devices': m034,
  '035_board_slug_history': m035,
  '036_two_factor': m036,
  '037_last_sign_in': m037,
  '038_bookmarks': m038,
  '039_user_ignores': m039,
  '040_first_post_kudos_sqlite': m040,
};

export const migrationNames = (): string[] => Object.keys(migrations).sort();

class StaticProvider implements MigrationProvider {
  constructor(private ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, mod] of Object.entries(migrations)) {
      out[name] = {
        up: (db) => mod.up(db, this.ctx),
        ...(mod.down ? { down: (db) => mod.down!(db, this.ctx) } : {}),
      };
    }
    return out;
  }
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Applies pending migrations; returns the names applied now. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // On PostgreSQL, keep Kysely's bookkeeping tables in the schema the app uses (search_path):
  // without this it may find another schema's tables and skip creating its own.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: new StaticProvider({ dialect: database.dialect }),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const what = failed ? `migration ${failed.migrationName} failed` : 'migrations failed';
    throw new MigrationError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
