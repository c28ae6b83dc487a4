// Turns what the use cases return into the API's JSON: camelCase names, ISO dates, absolute
// canonical URLs, authors with badges. Only listed fields go out — never e-mail addresses,
// password hashes or other private columns.
import { badgesFor } from '../accounts/badges.ts';
import { articleUrl } from '../knowledge/articles.ts';
import type { listBoards } from '../community/list-boards.ts';
import type { listBoardTopics } from '../community/list-board-topics.ts';
import type { showTopic } from '../community/show-topic.ts';
import type { listMyDrafts } from '../moderation/list-held.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import type { Role } from '../db/schema.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { attachmentUrl } from '../attachments/routes.ts';

type Rows<F extends (...a: any[]) => any> = Awaited<ReturnType<F>>;

/** Absolute URLs need the public address; one Presenter per server. */
export class Presenter {
  constructor(readonly base: string) {}

  url = (path: string) => this.base + path;
  api = (path: string) => `${this.base}/api/v1${path}`;

  author(u: { username: string; display_name: string; deleted: boolean | string | null }, roles: readonly Role[] | undefined) {
    if (u.deleted) return { username: null, displayName: 'deleted user', badges: [], url: null };
    return {
      username: u.username,
      displayName: u.display_name,
      badges: badgesFor(roles as Role[] | undefined).map((b) => b.label),
      url: this.url(viewHelpers.userUrl(u.username)),
    };
  }

  board(b: Pick<Rows<typeof listBoards>[number], 'id' | 'slug' | 'name' | 'description' | 'visibility' | 'topic_creators' | 'topic_count' | 'post_count' | 'last_post_at'>) {
    return {
      id: b.id,
      slug: b.slug,
      name: b.name,
      description: b.description,
      visibility: b.visibility,
      topicCreators: b.topic_creators,
      topicCount: b.topic_count,
      postCount: b.post_count,
      lastPostAt: iso(b.last_post_at),
      url: this.url(viewHelpers.boardUrl(b.slug)),
      topicsUrl: this.api(`/boards/${b.slug}/topics`),
    };
  }

  topicSummaries(data: Rows<typeof listBoardTopics>) {
    return data.topics.map((t) => ({
      id: t.id,
      slug: t.slug,
      title: t.title,
      kind: t.kind,
      pinned: !!t.pinned,
      locked: !!t.locked,
      closed: !!t.closed,
      solved: t.solved_post_id !== null,
      tags: data.tags.get(t.id) ?? [],
      postCount: t.post_count,
      viewCount: t.view_count,
      createdAt: iso(t.created_at)!,
      lastPostAt: iso(t.last_post_at)!,
      author: this.author({ username: t.author_username, display_name: t.author_name, deleted: t.author_deleted }, data.roles.get(t.author_id)),
      lastPoster: this.author({ username: t.last_username, display_name: t.last_user_name, deleted: t.last_user_deleted }, data.roles.get(t.last_user_id)),
      url: this.url(viewHelpers.topicUrl(t)),
      apiUrl: this.api(`/topics/${t.id}`),
    }));
  }

  /** A topic page: the topic, the accepted answer and one page of posts. */
  topicPage(data: Rows<typeof showTopic>, firstPage?: Rows<typeof showTopic>) {
    const t = data.topic;
    const authorRow = data.posts.find((p) => p.post_number === 1) ?? firstPage?.posts.find((p) => p.post_number === 1);
    const authorRoles = (id: number) => data.roles.get(id) ?? firstPage?.roles.get(id);
    const topic = {
      id: t.id,
      slug: t.slug,
      title: t.title,
      kind: t.kind,
      pinned: !!t.pinned,
      locked: !!t.locked,
      closed: !!t.closed,
      deleted: !!t.deleted_at,
      solved: t.solved_post_id !== null,
      acceptedAnswerId: t.solved_post_id,
      tags: data.tags,
      postCount: t.post_count,
      viewCount: t.view_count,
      createdAt: iso(t.created_at)!,
      lastPostAt: iso(t.last_post_at)!,
      // The opening post is on page 1 (callers pass that page along when showing a later one).
      author: authorRow
        ? this.author({ username: authorRow.username, display_name: authorRow.display_name, deleted: authorRow.user_deleted }, authorRoles(authorRow.user_id))
        : { username: null, displayName: 'deleted user', badges: [], url: null },
      board: { slug: t.board_slug, name: t.board_name, url: this.url(viewHelpers.boardUrl(t.board_slug)) },
      article: data.article ? { ...data.article, url: this.url(articleUrl(data.article.slug)) } : null,
      url: this.url(viewHelpers.topicUrl(t)),
      you: { reply: data.canReply, moderate: data.canModerate, accept: data.canAccept },
    };
    const post = (p: (typeof data.posts)[number]) => {
      const you = data.abilities.get(p.id) ?? { edit: false, delete: false, kudos: false, gaveKudos: false, report: false, bookmark: false, bookmarked: false };
      return {
        id: p.id,
        topicId: t.id,
        number: p.post_number,
        author: this.author({ username: p.username, display_name: p.display_name, deleted: p.user_deleted }, data.roles.get(p.user_id)),
        bodyHtml: p.deleted_at || p.hidden === 'text' ? null : p.body_html,
        bodyText: p.deleted_at || p.hidden === 'text' ? null : p.body_text,
        createdAt: iso(p.created_at)!,
        updatedAt: iso(p.updated_at),
        deleted: !!p.deleted_at,
        hidden: !!p.hidden_at,
        kudos: p.kudos_count,
        revisionCount: p.revision_count,
        attachments: (data.attachments.get(p.id) ?? []).map((a) => ({ id: a.id, name: a.filename, size: a.byte_size, url: this.url(attachmentUrl(a)) })),
        url: this.url(`${viewHelpers.topicUrl(t, Math.ceil(p.post_number / POSTS_PER_PAGE))}#post-${p.post_number}`),
        you,
      };
    };
    return { topic, answer: data.answer ? post(data.answer) : null, posts: data.posts.map(post), page: data.page, pageCount: data.pageCount };
  }

  /** One of the caller's held drafts (listMyDrafts): its text, where it goes, and the team's comment once returned. */
  draft(d: Rows<typeof listMyDrafts>[number]) {
    const returned = d.status === 'returned';
    return {
      id: d.id,
      kind: d.kind,
      status: d.status,
      title: d.title,
      topicKind: d.topic_kind,
      body: d.body_markdown,
      tags: d.tags ? d.tags.split(',') : [],
      note: d.author_note,
      board: d.board_slug ? { slug: d.board_slug, name: d.board_name ?? '', url: this.url(viewHelpers.boardUrl(d.board_slug)) } : null,
      topic: d.topic_id && d.topic_slug ? { id: d.topic_id, title: d.topic_title ?? '', url: this.url(viewHelpers.topicUrl({ id: d.topic_id, slug: d.topic_slug })), apiUrl: this.api(`/topics/${d.topic_id}`) } : null,
      createdAt: iso(d.created_at)!,
      returned: returned ? { comment: d.reviewer_comment, by: d.reviewer_name, at: iso(d.decided_at) } : null,
      url: this.url(`/moderation/held/${d.id}`),
      publishUrl: returned ? this.api(`/drafts/${d.id}/publish`) : null,
      resubmitUrl: returned ? this.api(`/drafts/${d.id}/resubmit`) : null,
    };
  }

  articleSummary(a: { id: number; slug: string; title: string; status: 'draft' | 'published'; current_version: number; updated_at: string; published_at: string | null }) {
    return {
      id: a.id,
      slug: a.slug,
      title: a.title,
      status: a.status,
      version: a.current_version,
      updatedAt: iso(a.updated_at)!,
      publishedAt: iso(a.published_at),
      url: this.url(articleUrl(a.slug)),
      apiUrl: this.api(`/articles/${encodeURIComponent(a.slug)}`),
    };
  }
}

/** Stored times are ISO strings already; normalise them (and tolerate Date objects). */
export function iso(v: string | Date | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return new Date(v).toISOString();
}
