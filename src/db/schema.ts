// Table types for Kysely. Times are ISO-8601 strings written by the application (the two
// databases format CURRENT_TIMESTAMP differently); flags are 0/1 integers on both databases.
import type { Generated } from 'kysely';

export type Role = 'member' | 'employee' | 'moderator' | 'community_manager' | 'admin';
export const ROLES: readonly Role[] = ['member', 'employee', 'moderator', 'community_manager', 'admin'];

export type BoardVisibility = 'public' | 'members' | 'staff';
export type TopicKind = 'question' | 'discussion';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  email: string | null;
  email_lower: string | null;
  email_verified_at: string | null;
  display_name: string;
  password_hash: string | null;
  bio: string;
  post_count: Generated<number>;
  answer_count: Generated<number>;
  created_at: string;
  deleted_at: string | null;
  // Private part of the profile (migration 003).
  real_name: string | null;
  phone: string | null;
  customer_number: string | null;
  /** File name of the resized avatar (key avatars/NAME in the file store, src/files). */
  avatar: string | null;
  /** Moderation (migration 015): read only / suspended until these times, and why. */
  silenced_until: Generated<string | null>;
  suspended_until: Generated<string | null>;
  restriction_reason: Generated<string>;
  /** The language chosen in the settings ('en', 'nl'); null: as the browser asks (migration 021). */
  locale: Generated<string | null>;
  /** When it last signed in (migration 037): a sign-in from a new browser after that e-mails the owner. */
  last_sign_in_at: Generated<string | null>;
}

export interface UserRolesTable {
  user_id: number;
  role: Role;
  granted_at: string;
  granted_by: number | null;
}

export interface RoleChangesTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  action: 'grant' | 'revoke';
  actor_id: number | null;
  reason: string;
  at: string;
}

export type TopicCreators = 'members' | 'staff';

export interface BoardsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  position: number;
  visibility: BoardVisibility;
  /** Who starts topics: whoever may read the board, or only the community team (announcements). */
  topic_creators: Generated<TopicCreators>;
  topic_count: Generated<number>;
  post_count: Generated<number>;
  last_post_at: string | null;
  last_topic_id: number | null;
  /** Changes whenever the board's listing may have changed (triggers on topics, migration 033). */
  listing_version: Generated<number>;
  created_at: string;
}

export interface TopicsTable {
  id: Generated<number>;
  board_id: number;
  user_id: number;
  kind: TopicKind;
  title: string;
  slug: string;
  pinned: Generated<number>;
  locked: Generated<number>;
  closed: Generated<number>;
  solved_post_id: number | null;
  post_count: Generated<number>;
  view_count: Generated<number>;
  last_post_at: string;
  last_post_user_id: number;
  created_at: string;
  deleted_at: string | null;
  /** 1 once any of its posts had an attachment (migration 013). */
  has_attachments: Generated<number>;
}

export interface PostsTable {
  id: Generated<number>;
  topic_id: number;
  user_id: number;
  post_number: number;
  body_markdown: string;
  // Rendered and sanitised once at write time, so that reading a page never runs Markdown.
  body_html: string;
  /** Plain text of the post, made at write time (descriptions, structured data, search). */
  body_text: Generated<string>;
  kudos_count: Generated<number>;
  revision_count: Generated<number>;
  deleted_by: number | null;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  /** Hidden until a moderator reviews it (migration 015). */
  hidden_at: Generated<string | null>;
  /** The moderator who decided to hide it (migration 029); null while it only waits for review. */
  hidden_by: Generated<number | null>;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface SessionsTable {
  id: string; // sha256(token)
  user_id: number;
  created_at: string;
  expires_at: string;
  /** The browser's User-Agent when the session began (cut to 300 characters); null before migration 034. */
  user_agent: string | null;
  /** When it was last used, written at most every SESSION_TOUCH_MS. */
  last_seen_at: string | null;
}

/** Two-step verification (migration 036): a TOTP secret per account; enabled_at null while being set up. */
export interface TwoFactorTable {
  user_id: number;
  /** Base32, as authenticator apps take it. */
  secret: string;
  enabled_at: string | null;
  /** The 30-second step of the last code accepted (a code is good once). */
  last_step: number | null;
  created_at: string;
}

/** One-time backup codes (migration 036), hashed; used_at set when one is spent. */
export interface TwoFactorBackupCodesTable {
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** A board's earlier slugs (migration 035): old /b/<slug> links redirect to the board. */
export interface BoardSlugHistoryTable {
  slug: string;
  board_id: number;
  changed_at: string;
}

export type EmailTokenPurpose = 'verify_email' | 'reset_password';

export interface EmailTokensTable {
  id: string; // sha256(token)
  user_id: number;
  purpose: EmailTokenPurpose;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SignInFailuresTable {
  id: Generated<number>;
  user_id: number;
  at: string;
  /** SHA-256 of the client's device cookie or address (migration 017); null on older rows. */
  client: string | null;
}

/** Failed sign-ins on logins that match no account, throttled alike (migration 017). */
export interface SignInFailuresUnknownTable {
  id: Generated<number>;
  /** SHA-256 of the lower-cased login. */
  login_hash: string;
  client: string;
  at: string;
}

export interface GuidelineVersionsTable {
  version: number;
  body_markdown: string;
  body_html: string;
  created_by: number | null;
  created_at: string;
}

export interface GuidelineAcksTable {
  user_id: number;
  version: number;
  at: string;
}

export interface PrivateDataViewsTable {
  id: Generated<number>;
  viewer_id: number | null;
  subject_id: number | null;
  at: string;
  /** Set when a staff member read a reported private conversation (migration 014). */
  conversation_id: Generated<number | null>;
}

/** An account's link to a company OpenID Connect provider (issuer URL + the provider's "sub"). */
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: number;
  created_at: string;
}

export type ArticleStatus = 'draft' | 'published';

/** A knowledge-base article: its current title and state (the text is in article_versions). */
export interface ArticlesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  status: ArticleStatus;
  current_version: number;
  /** The version that was current when the article was first published; earlier ones were drafts. */
  first_published_version: number | null;
  /** The community thread the article was made from, if any. */
  source_topic_id: number | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

export interface ArticleVersionsTable {
  article_id: number;
  version: number;
  title: string;
  body_markdown: string;
  body_html: string;
  author_id: number;
  created_at: string;
  note: string;
}

export interface PostRevisionsTable {
  id: Generated<number>;
  post_id: number;
  revision: number;
  /** The topic title at that time, for first posts. */
  title: string | null;
  body_markdown: string;
  editor_id: number | null;
  reason: string;
  created_at: string;
}

export interface KudosTable {
  post_id: number;
  user_id: number;
  created_at: string;
}

/** Saved posts (migration 038): private to the reader; note is the reader's own, '' for none. */
export interface BookmarksTable {
  user_id: number;
  post_id: number;
  note: Generated<string>;
  /** When to remind the reader (a 'reminder' notification, then null again); null for none. */
  remind_at: string | null;
  created_at: string;
}

/** People a member ignores (migration 039): private to the member. */
export interface UserIgnoresTable {
  user_id: number;
  ignored_user_id: number;
  created_at: string;
}

export interface TopicTagsTable {
  topic_id: number;
  tag: string;
}

/** API tokens for scripts (migration 008): only the SHA-256 of the token is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** published: its author posted it themselves after the team returned it (src/moderation/returned-draft.ts). */
export type HeldStatus = 'pending' | 'approved' | 'returned' | 'rejected' | 'published';

export interface HeldDraftsTable {
  id: Generated<number>;
  kind: 'topic' | 'reply';
  author_id: number;
  board_id: number | null;
  topic_id: number | null;
  topic_kind: TopicKind | null;
  title: string | null;
  body_markdown: string;
  tags: string;
  /** asked | guard | first_post | watched_word (migration 015 added the last two). */
  reason: 'asked' | 'guard' | 'first_post' | 'watched_word';
  findings: string;
  author_note: string;
  status: HeldStatus;
  reviewer_id: number | null;
  reviewer_comment: string;
  published_post_id: number | null;
  created_at: string;
  decided_at: string | null;
}

/** Confidentiality guard (migration 009, src/confidentiality): keyed hashes and fingerprints only. */
export interface GuardCustomerGenerationsTable {
  id: Generated<number>;
  record_count: number;
  entry_count: number;
  imported_at: string;
  imported_by: number | null;
  note: Generated<string>;
}

export interface GuardCustomerChunksTable {
  generation_id: number;
  seq: number;
  bytes: Buffer;
}

export interface GuardDocumentsTable {
  id: Generated<number>;
  file_name: string;
  label: 'confidential' | 'public';
  added_by: number | null;
  added_at: string;
  fingerprint_count: number;
  fingerprints: Buffer;
}

export interface GuardDecisionsTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  where: 'topic' | 'reply' | 'edit' | 'bio' | 'article' | 'check' | 'message';
  target: string;
  /** JSON: [{ type, count }] — never values. */
  finding_types: string;
  decision: string;
}

export interface MaskedOriginalsTable {
  id: Generated<number>;
  post_id: number | null;
  revision: number | null;
  original_title: string | null;
  original_markdown: string;
  /** Set when the original is an attachment's text (its file name); null for the post's text. */
  attachment_name: string | null;
  masked_at: string;
  purge_after: string;
}

export interface AttachmentsTable {
  id: Generated<number>;
  post_id: number | null;
  held_draft_id: number | null;
  position: number;
  filename: string;
  byte_size: number;
  text: string;
  created_at: string;
}

/** Private conversations (migration 014, src/conversations). */
export interface ConversationsTable {
  id: Generated<number>;
  subject: string;
  created_by: number | null;
  team: Generated<number>;
  topic_id: number | null;
  summary_post_id: number | null;
  reported_at: string | null;
  message_count: Generated<number>;
  last_message_id: Generated<number>;
  last_message_at: string;
  created_at: string;
}

export interface ConversationParticipantsTable {
  conversation_id: number;
  user_id: number;
  last_read_message_id: Generated<number>;
  muted: Generated<number>;
  left_at: string | null;
  joined_at: string;
  /** Who added them after the conversation started (null: there from the start, or joined by answering as the team). */
  added_by: number | null;
}

export interface ConversationMessagesTable {
  id: Generated<number>;
  conversation_id: number;
  user_id: number | null;
  body_markdown: string;
  body_html: string;
  created_at: string;
}

export interface ConversationAttachmentsTable {
  id: Generated<number>;
  message_id: number;
  position: number;
  filename: string;
  byte_size: number;
  text: string;
  created_at: string;
}

/** Moderation (migration 015, src/moderation). */
export type ReportReason = 'off_topic' | 'inappropriate' | 'spam' | 'personal_data' | 'other';
export interface PostReportsTable {
  id: Generated<number>;
  post_id: number;
  reporter_id: number;
  reason: ReportReason;
  detail: string;
  trusted: number;
  created_at: string;
  outcome: string | null;
  decided_at: string | null;
}

export interface ReviewItemsTable {
  id: Generated<number>;
  kind: string;
  subject_id: number;
  board_id: number | null;
  reason: string;
  detail: string;
  findings: string;
  /** 1: holds what the confidentiality guard found; for the global team only (queue-items.ts). */
  confidential: Generated<number>;
  status: 'open' | 'done';
  claimed_by: number | null;
  claimed_at: string | null;
  decided_by: number | null;
  decision: string | null;
  decision_reason: string;
  created_at: string;
  decided_at: string | null;
  reminded_at: string | null;
}

export interface StaffActionsTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target: string;
  reason: string;
  detail: string;
}

export type WatchedAction = 'block' | 'hold' | 'censor' | 'flag';
export interface WatchedWordsTable {
  id: Generated<number>;
  pattern: string;
  is_regex: number;
  action: WatchedAction;
  created_by: number | null;
  created_at: string;
}

export interface TopicNoticesTable {
  id: Generated<number>;
  topic_id: number;
  /** The English words (all that rows before migration 029 have). */
  text: string;
  /** A catalogue key ('moderation:notice.moved') and its values as JSON, shown in the reader's language. */
  notice_key: string | null;
  notice_params: string | null;
  created_at: string;
}

export interface ConversationReportsTable {
  id: Generated<number>;
  conversation_id: number;
  message_id: number | null;
  reporter_id: number | null;
  reason: string;
  status: 'open' | 'closed';
  created_at: string;
}

export interface CustomerLinksTable {
  user_id: number;
  field: string;
  value_hash: string;
  linked_by: number | null;
  linked_at: string;
}

/** Search index rows (migration 016, src/search); the words are in search_fts / vector. */
export interface SearchDocsTable {
  id: Generated<number>;
  doc_type: 'topic' | 'post' | 'article';
  topic_id: number | null;
  post_id: number | null;
  article_id: number | null;
  author_id: number;
  created_at: string;
}

export type NotificationKind = 'reply' | 'mention' | 'quote' | 'accepted' | 'kudos' | 'watched' | 'reminder' | ModerationNoticeKind;
/** Moderation outcomes (migration 020): of a report one made, of one's post, held draft, account. */
export type ModerationNoticeKind = 'report' | 'moderated' | 'draft' | 'account';

/** In-app notifications (migration 016, src/notifications). */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: NotificationKind;
  actor_id: number | null;
  topic_id: number | null;
  post_id: number | null;
  created_at: string;
  read_at: string | null;
  emailed_at: Generated<string | null>;
  email_attempts: Generated<number>;
  /** Moderation notices (migration 020): what was decided, why, until when, a draft's title. */
  outcome: string | null;
  reason: string | null;
  until_at: string | null;
  subject_title: string | null;
}

/** Watching and muting (migration 016). */
export interface WatchesTable {
  user_id: number;
  target: 'topic' | 'board';
  target_id: number;
  level: 'watching' | 'muted';
  created_at: string;
}

/** Notification choices per person (migration 016). */
export interface NotificationSettingsTable {
  user_id: number;
  autowatch: Generated<number>;
  per_kind: Generated<string>;
  updated_at: string;
  /** Digest e-mail (migration 020): off | daily | weekly, and the last period sent. */
  digest: Generated<'off' | 'daily' | 'weekly'>;
  digest_period: string | null;
  digest_sent_at: string | null;
}

/** How far a person has read a topic (migration 016). */
export interface TopicReadsTable {
  user_id: number;
  topic_id: number;
  last_read_post_number: number;
  updated_at: string;
}

export interface BoardModeratorsTable {
  board_id: number;
  user_id: number;
  created_by: number | null;
  created_at: string;
}

/** Uploaded files kept in the database (src/files/file-store.ts). */
export interface StoredFilesTable {
  key: string;
  content_type: string;
  byte_size: number;
  etag: string;
  bytes: Buffer;
  created_at: string;
}

export interface DB {
  stored_files: StoredFilesTable;
  topic_notices: TopicNoticesTable;
  watched_words: WatchedWordsTable;
  post_reports: PostReportsTable;
  review_items: ReviewItemsTable;
  staff_actions: StaffActionsTable;
  attachments: AttachmentsTable;
  guard_customer_generations: GuardCustomerGenerationsTable;
  guard_customer_chunks: GuardCustomerChunksTable;
  guard_documents: GuardDocumentsTable;
  guard_decisions: GuardDecisionsTable;
  masked_originals: MaskedOriginalsTable;
  held_drafts: HeldDraftsTable;
  post_revisions: PostRevisionsTable;
  kudos: KudosTable;
  bookmarks: BookmarksTable;
  user_ignores: UserIgnoresTable;
  topic_tags: TopicTagsTable;
  user_identities: UserIdentitiesTable;
  guideline_versions: GuidelineVersionsTable;
  guideline_acks: GuidelineAcksTable;
  private_data_views: PrivateDataViewsTable;
  sessions: SessionsTable;
  board_slug_history: BoardSlugHistoryTable;
  two_factor: TwoFactorTable;
  two_factor_backup_codes: TwoFactorBackupCodesTable;
  email_tokens: EmailTokensTable;
  sign_in_failures: SignInFailuresTable;
  sign_in_failures_unknown: SignInFailuresUnknownTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  role_changes: RoleChangesTable;
  boards: BoardsTable;
  topics: TopicsTable;
  posts: PostsTable;
  settings: SettingsTable;
  articles: ArticlesTable;
  article_versions: ArticleVersionsTable;
  api_tokens: ApiTokensTable;
  conversations: ConversationsTable;
  conversation_participants: ConversationParticipantsTable;
  conversation_messages: ConversationMessagesTable;
  conversation_reports: ConversationReportsTable;
  conversation_attachments: ConversationAttachmentsTable;
  customer_links: CustomerLinksTable;
  search_docs: SearchDocsTable;
  notifications: NotificationsTable;
  watches: WatchesTable;
  notification_settings: NotificationSettingsTable;
  topic_reads: TopicReadsTable;
  board_moderators: BoardModeratorsTable;
}
