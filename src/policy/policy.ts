// The one place that answers "may this actor do that to this thing?" for the whole app, in
// the spirit of Discourse's Guardian and Outline's policies. Routes and use cases never test
// roles themselves: they call can()/authorize() with an action name.
//
// Being an Employee grants nothing here: employees act with exactly a member's abilities.
import type { BoardVisibility, Role, TopicCreators } from '../db/schema.ts';
import { ForbiddenError, text, UserError } from '../shared/errors.ts';

export interface Actor {
  id: number;
  roles: ReadonlySet<Role>;
  /** Boards this member moderates (board moderators, src/moderation/board-moderators.ts). */
  boards?: ReadonlySet<number>;
}

/** Roles that run the community. Employee is deliberately not one of them. */
const STAFF: readonly Role[] = ['moderator', 'community_manager', 'admin'];

export const isStaff = (a: Actor | null): boolean => !!a && STAFF.some((r) => a.roles.has(r));
const has = (a: Actor | null, ...roles: Role[]): boolean => !!a && roles.some((r) => a.roles.has(r));
/** The moderating roles everywhere, or a board moderator on one of their boards. */
const moderates = (a: Actor | null, board: { id?: number } | undefined): boolean =>
  has(a, 'moderator', 'community_manager', 'admin') || (!!a && board?.id !== undefined && !!a.boards?.has(board.id));

interface BoardLike {
  visibility: BoardVisibility;
  /** Given where a board moderator's rights matter (topics and posts they may moderate). */
  id?: number;
}
interface TopicLike {
  board: BoardLike;
  locked: boolean;
  closed: boolean;
  deleted: boolean;
}
interface ConversationLike {
  /** The actor is (or was, if left) a participant. */
  participant: boolean;
  left: boolean;
  team: boolean;
  reported: boolean;
}
interface UserLike {
  id: number;
}

// Each rule: the subject it is about, and who is allowed. Unknown action = compile error.
const rules = {
  'board.view': (a: Actor | null, board: BoardLike) =>
    board.visibility === 'public' || (board.visibility === 'members' && !!a) || isStaff(a),
  'board.manage': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  'topic.view': (a: Actor | null, t: TopicLike) => rules['board.view'](a, t.board) && (!t.deleted || isStaff(a)),
  // A post: whoever reads its topic; once deleted, its text and history only for the community team.
  // A post hidden until reviewed (issue 13) reads as absent to all but its author and the moderating roles.
  'post.view': (a: Actor | null, p: TopicLike & { postDeleted: boolean; postHidden?: boolean; authorId?: number }) =>
    rules['topic.view'](a, p) && (!p.postDeleted || isStaff(a)) &&
    (!p.postHidden || (!!a && (a.id === p.authorId || moderates(a, p.board)))),
  // A new topic: whoever reads the board, unless only the community team starts topics there (an
  // announcements board: everyone replies). Employees are members here too (VISION: the same functions).
  'topic.create': (a: Actor | null, board: BoardLike & { topic_creators: TopicCreators }) =>
    !!a && rules['board.view'](a, board) && (board.topic_creators !== 'staff' || isStaff(a)),
  'post.create': (a: Actor | null, t: TopicLike) =>
    !!a && rules['topic.view'](a, t) && ((!t.locked && !t.closed) || has(a, 'moderator', 'community_manager', 'admin')),
  // The asker, or a moderator / community manager, picks the accepted answer.
  'answer.accept': (a: Actor | null, t: TopicLike & { authorId: number }) =>
    !!a && rules['topic.view'](a, t) && (a.id === t.authorId || has(a, 'moderator', 'community_manager', 'admin')),
  // Authors edit and delete their own posts; moderators and community managers anyone's.
  'post.edit': (a: Actor | null, p: TopicLike & { authorId: number; postDeleted: boolean }) =>
    !!a && rules['topic.view'](a, p) && !p.postDeleted &&
    ((a.id === p.authorId && !p.locked) || moderates(a, p.board)),
  'post.delete': (a: Actor | null, p: TopicLike & { authorId: number; postDeleted: boolean }) =>
    !!a && rules['topic.view'](a, p) && !p.postDeleted && (a.id === p.authorId || moderates(a, p.board)),
  // Kudos: any signed-in reader, for someone else's post.
  'post.kudos': (a: Actor | null, p: TopicLike & { authorId: number; postDeleted: boolean }) =>
    !!a && rules['topic.view'](a, p) && !p.postDeleted && a.id !== p.authorId,
  // Ignoring someone (their posts folded away, no notifications from them): any member, of
  // anyone but themselves and the community team, whose moderation notes must reach everyone.
  'user.ignore': (a: Actor | null, target: { id: number; staff: boolean }) => !!a && a.id !== target.id && !target.staff,
  // Saving a post to come back to: any signed-in reader of the topic, their own posts included.
  'post.bookmark': (a: Actor | null, p: TopicLike & { postDeleted: boolean }) => !!a && rules['topic.view'](a, p) && !p.postDeleted,
  // A post's attachments: whoever reads the topic, while the post is not deleted (nobody, staff
  // included, downloads a deleted post's files).
  'attachment.download': (a: Actor | null, p: TopicLike & { postDeleted: boolean }) => rules['topic.view'](a, p) && !p.postDeleted,
  'topic.moderate': (a: Actor | null, t: TopicLike) => !!a && rules['topic.view'](a, t) && moderates(a, t.board),
  // The community team's queue of held drafts; board moderators see the part of it about their boards.
  'queue.review': (a: Actor | null, _: null) => has(a, 'moderator', 'community_manager', 'admin') || !!a?.boards?.size,
  // One queue item: a board moderator's only if it is about one of their boards, a board they may
  // still read; whatever the confidentiality guard found (customer data, confidential text: the
  // guard's holds, drafts sent to the community team) stays with the global team.
  'queue.item': (a: Actor | null, item: { board: (BoardLike & { id: number }) | null; confidential: boolean }) =>
    has(a, 'moderator', 'community_manager', 'admin') ||
    (!!a && !!item.board && !item.confidential && !!a.boards?.has(item.board.id) && rules['board.view'](a, item.board)),
  // A draft the community team returned (policy point 7): only its author edits it and posts it or
  // sends it to the team again, and only while it is returned (not once it is pending or decided).
  'draft.resubmit': (a: Actor | null, d: { authorId: number; status: string }) => !!a && a.id === d.authorId && d.status === 'returned',
  'user.viewPrivate': (a: Actor | null, u: UserLike) => !!a && (a.id === u.id || has(a, 'community_manager', 'admin')),
  'guidelines.edit': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // Confidentiality guard: the unmasked originals of masked posts, and the guard's registers and policy.
  'guard.viewMaskedOriginal': (a: Actor | null, _: null) => has(a, 'moderator', 'community_manager', 'admin'),
  'guard.manage': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // The log of who looked at whose private data is for admins.
  'accessLog.view': (a: Actor | null, _: null) => has(a, 'admin'),
  // Turning off someone else's two-step verification (they lost their phone and their backup
  // codes) hands their account to whoever knows the password: admins only, never on themselves
  // (their own goes through the settings, with their password).
  'user.resetTwoFactor': (a: Actor | null, u: UserLike) => has(a, 'admin') && a!.id !== u.id,
  'role.manage': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // Admins grant any role; community managers run the community roles but not admin.
  'role.grant': (a: Actor | null, role: Role) =>
    has(a, 'admin') || (has(a, 'community_manager') && role !== 'admin'),
  // Knowledge base: everyone reads published articles; community managers and admins write,
  // publish, take down (unpublish) and see drafts, and turn a thread they can see into an article.
  'article.view': (a: Actor | null, article: { status: 'draft' | 'published' }) =>
    article.status === 'published' || has(a, 'community_manager', 'admin'),
  'article.edit': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  'article.publish': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  'article.unpublish': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  'article.createFromTopic': (a: Actor | null, t: TopicLike) => has(a, 'community_manager', 'admin') && rules['topic.view'](a, t),
  // Private conversations (issue 20). Only participants read one; the community team reads a
  // "Message the team" conversation as a group; moderators read a conversation a participant
  // reported (each such access is logged). Anyone else gets a 404, staff included.
  'conversation.view': (a: Actor | null, c: ConversationLike) =>
    !!a && ((c.participant && !c.left) || (c.team && isStaff(a)) || (c.reported && has(a, 'moderator', 'community_manager', 'admin'))),
  'conversation.reply': (a: Actor | null, c: ConversationLike) => !!a && ((c.participant && !c.left) || (c.team && isStaff(a))),
  'conversation.start': (a: Actor | null, _: null) => !!a,
  // Adding people: whoever may reply (they then read the whole conversation; the guard checks
  // its history for them first, src/conversations/add-participants.ts).
  'conversation.addPeople': (a: Actor | null, c: ConversationLike) => !!a && ((c.participant && !c.left) || (c.team && isStaff(a))),
  // Members messaging members can be switched off by community managers; staff and employees may always write.
  'conversation.messageMembers': (a: Actor | null, s: { membersMayMessage: boolean }) =>
    !!a && (s.membersMayMessage || isStaff(a)),
  'conversation.report': (a: Actor | null, c: ConversationLike) => !!a && c.participant && !c.left,
  // "Continue in private" on a public topic: employees and the community team. The one ability
  // being an Employee gives (VISION point 8: account details go private); see EMPLOYEE_ABILITIES.
  'conversation.continueInPrivate': (a: Actor | null, t: TopicLike) => has(a, 'employee', 'moderator', 'community_manager', 'admin') && rules['topic.view'](a, t),
  // Community managers: member-to-member messages on/off, linking accounts to customer records.
  'conversation.manage': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // Moderation (issue 13). Any signed-in reader reports someone else's visible post.
  'post.report': (a: Actor | null, p: TopicLike & { authorId: number; postDeleted: boolean }) =>
    !!a && rules['topic.view'](a, p) && !p.postDeleted && a.id !== p.authorId,
  // Hide, redact, decide on reported posts: the moderating roles, on topics they can see.
  'post.moderate': (a: Actor | null, t: TopicLike) => !!a && rules['topic.view'](a, t) && moderates(a, t.board),
  // A hidden post's text: its author and the moderating roles (a board moderator on their boards).
  'post.viewHidden': (a: Actor | null, p: { authorId: number; board?: { id?: number } }) => !!a && (a.id === p.authorId || moderates(a, p.board)),
  // Older revisions of a post: its author and staff (the public reads only the current text).
  'post.viewRevisions': (a: Actor | null, p: { authorId: number }) => !!a && (a.id === p.authorId || isStaff(a)),
  // The staff action log: community managers and admins.
  'staffLog.view': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // The watched-words list and the new-member limits.
  'watchedWords.manage': (a: Actor | null, _: null) => has(a, 'community_manager', 'admin'),
  // Warn, silence or suspend an account: the moderating roles, never themselves; staff accounts only by an admin.
  'user.restrict': (a: Actor | null, u: { id: number; staff: boolean }) =>
    !!a && a.id !== u.id && has(a, 'moderator', 'community_manager', 'admin') && (!u.staff || has(a, 'admin')),
} as const;

export type Action = keyof typeof rules;
/** Actions the Employee role grants beyond a member's: only the hand-over of a public case to a private conversation. */
export const EMPLOYEE_ABILITIES: readonly Action[] = ['conversation.continueInPrivate'];
type SubjectOf<A extends Action> = Parameters<(typeof rules)[A]>[1];

export function can<A extends Action>(actor: Actor | null, action: A, subject: SubjectOf<A>): boolean {
  return (rules[action] as (a: Actor | null, s: SubjectOf<A>) => boolean)(actor, subject);
}

/** Like can(), but throws a 403 (or 401 for a visitor) that the HTTP layer turns into a page. */
export function authorize<A extends Action>(actor: Actor | null, action: A, subject: SubjectOf<A>): void {
  if (can(actor, action, subject)) return;
  if (!actor) throw new UserError(text('moderation:errors.signInFirst'), 401);
  throw new ForbiddenError();
}

/** A staff board the actor may not read answers as if it did not exist (404): its name is not public either. */
export function hidesBoard(actor: Actor | null, board: BoardLike): boolean {
  return board.visibility === 'staff' && !can(actor, 'board.view', board);
}

/** Boards an actor may see, as a visibility filter for list queries. */
export function visibleBoardKinds(actor: Actor | null): BoardVisibility[] {
  if (isStaff(actor)) return ['public', 'members', 'staff'];
  return actor ? ['public', 'members'] : ['public'];
}
