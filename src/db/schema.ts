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
  /** File name of the resized avatar under the uploads folder. */
  avatar: string | null;
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

export interface BoardsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  position: number;
  visibility: BoardVisibility;
  topic_count: Generated<number>;
  post_count: Generated<number>;
  last_post_at: string | null;
  last_topic_id: number | null;
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
}

export interface PostsTable {
  id: Generated<number>;
  topic_id: number;
  user_id: number;
  post_number: number;
  body_markdown: string;
  // Rendered and sanitised once at write time, so that reading a page never runs Markdown.
  body_html: string;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
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
}

/** An account's link to a company OpenID Connect provider (issuer URL + the provider's "sub"). */
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: number;
  created_at: string;
}

export interface DB {
  user_identities: UserIdentitiesTable;
  guideline_versions: GuidelineVersionsTable;
  guideline_acks: GuidelineAcksTable;
  private_data_views: PrivateDataViewsTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  sign_in_failures: SignInFailuresTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  role_changes: RoleChangesTable;
  boards: BoardsTable;
  topics: TopicsTable;
  posts: PostsTable;
  settings: SettingsTable;
}
