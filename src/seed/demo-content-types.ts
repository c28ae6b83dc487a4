import type { BoardVisibility, Role, TopicCreators, TopicKind } from '../db/schema.ts';

export interface DemoUser {
  /** Stable key used by threads to name their authors. */
  key: string;
  username: string;
  displayName: string;
  email: string;
  roles: Role[];
  bio: string;
  /** Demo accounts whose sign-in details are printed at start (one per role). */
  demoLogin?: boolean;
}

export interface DemoBoard {
  slug: string;
  name: string;
  description: string;
  visibility: BoardVisibility;
  /** Who starts topics (createBoard's default: whoever reads the board). */
  topic_creators?: TopicCreators;
}

export interface DemoReply {
  author: string; // DemoUser.key
  /** Hours after the topic was opened. */
  hoursAfter: number;
  body: string; // Markdown
  /** For questions: this reply is the accepted answer. */
  accepted?: boolean;
}

export interface DemoThread {
  board: string; // DemoBoard.slug
  kind: TopicKind;
  title: string;
  author: string; // DemoUser.key
  /** Days before the seeding time that the topic was opened. */
  daysAgo: number;
  body: string; // Markdown
  pinned?: boolean;
  replies: DemoReply[];
}

/** A private conversation of the story (the threads say "send me a private message"). */
export interface DemoConversation {
  subject: string;
  /** Days before the seeding time that it started. */
  daysAgo: number;
  from: string; // DemoUser.key
  to: string[]; // DemoUser.key
  /** Replies, and people added, in order (hours after it started). */
  steps: Array<{ hoursAfter: number } & ({ author: string; body: string } | { adds: string[]; by: string })>;
  /** Who has read it all (the others find the last messages unread). */
  readBy: string[];
}
