import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardVisibility, Role } from '../../src/db/schema.ts';
import { can, authorize, EMPLOYEE_ABILITIES, type Action, type Actor } from '../../src/policy/policy.ts';

const actor = (id: number, ...roles: Role[]): Actor => ({ id, roles: new Set<Role>(['member', ...roles]) });
const visitor = null;
const member = actor(1);
const employee = actor(2, 'employee');
const moderator = actor(3, 'moderator');
const manager = actor(4, 'community_manager');
const admin = actor(5, 'admin');

const boards = (['public', 'members', 'staff'] as BoardVisibility[]).map((visibility) => ({ visibility }));
const topics = boards.flatMap((board) =>
  [false, true].flatMap((locked) => [false, true].map((deleted) => ({ board, locked, closed: false, deleted, authorId: 1 }))),
);
// Every action with a spread of subjects; the matrix below must cover them all.
const subjects: { [A in Action]: unknown[] } = {
  'board.view': boards,
  'board.manage': [null],
  'topic.view': topics,
  'post.view': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, postDeleted: true }, { ...t, postDeleted: false, postHidden: true, authorId: 1 }, { ...t, postDeleted: false, postHidden: true, authorId: 2 }]),
  'topic.create': boards.flatMap((b) => [{ ...b, topic_creators: 'members' }, { ...b, topic_creators: 'staff' }]),
  'post.create': topics,
  'answer.accept': topics,
  'post.edit': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, postDeleted: true }, { ...t, authorId: 2, postDeleted: false }]),
  'post.delete': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, authorId: 2, postDeleted: false }]),
  'post.kudos': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, authorId: 2, postDeleted: false }]),
  'user.ignore': [{ id: 1, staff: false }, { id: 2, staff: false }, { id: 99, staff: false }, { id: 99, staff: true }],
  'post.bookmark': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, postDeleted: true }]),
  'topic.moderate': topics,
  'attachment.download': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, postDeleted: true }]),
  'user.viewPrivate': [{ id: 1 }, { id: 2 }, { id: 99 }],
  'role.grant': ['employee', 'moderator', 'community_manager', 'admin'],
  'guidelines.edit': [null],
  'queue.review': [null],
  'queue.item': [{ board: null, confidential: false }, { board: { id: 7, visibility: 'public' }, confidential: false }, { board: { id: 7, visibility: 'public' }, confidential: true }, { board: { id: 8, visibility: 'staff' }, confidential: false }],
  'guard.viewMaskedOriginal': [null],
  'guard.manage': [null],
  'role.manage': [null],
  'accessLog.view': [null],
  'user.resetTwoFactor': [{ id: 1 }, { id: 5 }, { id: 99 }],
  'article.view': [{ status: 'draft' }, { status: 'published' }],
  'article.edit': [null],
  'article.publish': [null],
  'article.unpublish': [null],
  'article.createFromTopic': topics,
  'conversation.view': conversations(),
  'conversation.reply': conversations(),
  'conversation.addPeople': conversations(),
  'conversation.start': [null],
  'conversation.messageMembers': [{ membersMayMessage: true }, { membersMayMessage: false }],
  'conversation.report': conversations(),
  'conversation.continueInPrivate': topics,
  'conversation.manage': [null],
  'post.report': topics.flatMap((t) => [{ ...t, postDeleted: false }, { ...t, postDeleted: true }, { ...t, authorId: 2, postDeleted: false }]),
  'post.moderate': topics,
  'post.viewHidden': [{ authorId: 1 }, { authorId: 2 }],
  'post.viewRevisions': [{ authorId: 1 }, { authorId: 2 }],
  'staffLog.view': [null],
  'watchedWords.manage': [null],
  'draft.resubmit': (['pending', 'returned', 'approved', 'rejected', 'published'] as const).flatMap((status) => [{ authorId: 1, status }, { authorId: 2, status }]),
  'user.restrict': [{ id: 1, staff: false }, { id: 2, staff: false }, { id: 99, staff: false }, { id: 99, staff: true }],
};

function conversations() {
  const out = [];
  for (const participant of [false, true]) for (const left of [false, true]) for (const team of [false, true]) for (const reported of [false, true]) out.push({ participant, left, team, reported });
  return out;
}

const check = (a: Actor | null, action: Action, s: unknown) => can(a, action, s as never);

test('an Employee has exactly the abilities of a member: every action, every subject', () => {
  // Same id, so that "own" rules (own profile, own question) compare like with like.
  const asMember = actor(2);
  for (const [action, list] of Object.entries(subjects) as [Action, unknown[]][]) {
    if (EMPLOYEE_ABILITIES.includes(action)) continue;
    for (const s of list) {
      assert.equal(check(employee, action, s), check(asMember, action, s), `${action} on ${JSON.stringify(s)}`);
    }
  }
});

test('role × action matrix', () => {
  const expect: [string, Actor | null, Action, unknown, boolean][] = [
    ['visitor reads a public board', visitor, 'board.view', { visibility: 'public' }, true],
    ['visitor cannot read a members board', visitor, 'board.view', { visibility: 'members' }, false],
    ['member reads a members board', member, 'board.view', { visibility: 'members' }, true],
    ['member cannot read a staff board', member, 'board.view', { visibility: 'staff' }, false],
    ['employee cannot read a staff board', employee, 'board.view', { visibility: 'staff' }, false],
    ['moderator reads a staff board', moderator, 'board.view', { visibility: 'staff' }, true],
    ['visitor cannot start a topic', visitor, 'topic.create', { visibility: 'public', topic_creators: 'members' }, false],
    ['member starts a topic', member, 'topic.create', { visibility: 'public', topic_creators: 'members' }, true],
    ['member cannot start a topic where only staff do (announcements)', member, 'topic.create', { visibility: 'public', topic_creators: 'staff' }, false],
    ['nor can an employee', employee, 'topic.create', { visibility: 'public', topic_creators: 'staff' }, false],
    ['a moderator can', moderator, 'topic.create', { visibility: 'public', topic_creators: 'staff' }, true],
    ['member cannot reply in a locked topic', member, 'post.create', { board: { visibility: 'public' }, locked: true, closed: false, deleted: false }, false],
    ['moderator replies in a locked topic', moderator, 'post.create', { board: { visibility: 'public' }, locked: true, closed: false, deleted: false }, true],
    ['member cannot see a deleted topic', member, 'topic.view', { board: { visibility: 'public' }, locked: false, closed: false, deleted: true }, false],
    ['moderator sees a deleted topic', moderator, 'topic.view', { board: { visibility: 'public' }, locked: false, closed: false, deleted: true }, true],
    ['member reads a post', member, 'post.view', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: false }, true],
    ['member cannot read a deleted post', member, 'post.view', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: true }, false],
    ['member cannot read a post of a staff board', member, 'post.view', { board: { visibility: 'staff' }, locked: false, closed: false, deleted: false, postDeleted: false }, false],
    ['moderator reads a deleted post', moderator, 'post.view', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: true }, true],
    ['asker accepts an answer', member, 'answer.accept', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1 }, true],
    ['another member cannot accept', employee, 'answer.accept', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1 }, false],
    ['moderator accepts for the asker', moderator, 'answer.accept', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1 }, true],
    ['author edits own post', member, 'post.edit', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, true],
    ['author cannot edit in a locked topic', member, 'post.edit', { board: { visibility: 'public' }, locked: true, closed: false, deleted: false, authorId: 1, postDeleted: false }, false],
    ['employee cannot edit someone else\'s post', employee, 'post.edit', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, false],
    ['moderator edits anyone\'s post', moderator, 'post.edit', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, true],
    ['no kudos for one\'s own post', member, 'post.kudos', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, false],
    ['kudos for another\'s post', employee, 'post.kudos', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, true],
    ['a member ignores another member', member, 'user.ignore', { id: 99, staff: false }, true],
    ['not themselves', member, 'user.ignore', { id: 1, staff: false }, false],
    ['nor the community team', member, 'user.ignore', { id: 99, staff: true }, false],
    ['a visitor ignores nobody', visitor, 'user.ignore', { id: 99, staff: false }, false],
    ['a visitor saves no posts', visitor, 'post.bookmark', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: false }, false],
    ['a member saves a post, their own too', member, 'post.bookmark', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false }, true],
    ['nor a deleted post', member, 'post.bookmark', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: true }, false],
    ['a member cannot save a post of a staff board', member, 'post.bookmark', { board: { visibility: 'staff' }, locked: false, closed: false, deleted: false, postDeleted: false }, false],
    ['a moderator saves a post of a staff board', moderator, 'post.bookmark', { board: { visibility: 'staff' }, locked: false, closed: false, deleted: false, postDeleted: false }, true],
    ['employee does not review the queue', employee, 'queue.review', null, false],
    ['moderator reviews the queue', moderator, 'queue.review', null, true],
    ['employee does not see masked originals', employee, 'guard.viewMaskedOriginal', null, false],
    ['moderator sees masked originals', moderator, 'guard.viewMaskedOriginal', null, true],
    ['moderator does not manage the guard', moderator, 'guard.manage', null, false],
    ['community manager manages the guard', manager, 'guard.manage', null, true],
    ['employee cannot moderate', employee, 'topic.moderate', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false }, false],
    ['moderator moderates', moderator, 'topic.moderate', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false }, true],
    ['member manages no boards', member, 'board.manage', null, false],
    ['employee manages no boards', employee, 'board.manage', null, false],
    ['community manager manages boards', manager, 'board.manage', null, true],
    ['owner sees own private data', member, 'user.viewPrivate', { id: 1 }, true],
    ['employee never sees others\' private data', employee, 'user.viewPrivate', { id: 1 }, false],
    ['moderator does not see private data by default', moderator, 'user.viewPrivate', { id: 1 }, false],
    ['community manager sees private data', manager, 'user.viewPrivate', { id: 1 }, true],
    ['admin sees private data', admin, 'user.viewPrivate', { id: 1 }, true],
    ['community manager grants moderator', manager, 'role.grant', 'moderator', true],
    ['community manager cannot grant admin', manager, 'role.grant', 'admin', false],
    ['admin grants admin', admin, 'role.grant', 'admin', true],
    ['moderator grants nothing', moderator, 'role.grant', 'employee', false],
    ['employee manages no roles', employee, 'role.manage', null, false],
    ['community manager manages roles', manager, 'role.manage', null, true],
    ['employee cannot edit the guidelines', employee, 'guidelines.edit', null, false],
    ['community manager edits the guidelines', manager, 'guidelines.edit', null, true],
    ['community manager cannot read the access log', manager, 'accessLog.view', null, false],
    ['admin reads the access log', admin, 'accessLog.view', null, true],
    ['community manager cannot turn off a member\'s two-step verification', manager, 'user.resetTwoFactor', { id: 99 }, false],
    ['admin turns off a member\'s two-step verification', admin, 'user.resetTwoFactor', { id: 99 }, true],
    ['admin cannot turn off their own two-step verification here', admin, 'user.resetTwoFactor', { id: admin.id }, false],
    ['visitor reads a published article', visitor, 'article.view', { status: 'published' }, true],
    ['member cannot see a draft article', member, 'article.view', { status: 'draft' }, false],
    ['moderator cannot see a draft article', moderator, 'article.view', { status: 'draft' }, false],
    ['community manager sees a draft article', manager, 'article.view', { status: 'draft' }, true],
    ['employee cannot edit articles', employee, 'article.edit', null, false],
    ['moderator cannot publish articles', moderator, 'article.publish', null, false],
    ['community manager publishes articles', manager, 'article.publish', null, true],
    ['moderator cannot unpublish articles', moderator, 'article.unpublish', null, false],
    ['employee cannot unpublish articles', employee, 'article.unpublish', null, false],
    ['community manager unpublishes articles', manager, 'article.unpublish', null, true],
    ['admin edits articles', admin, 'article.edit', null, true],
    ['member cannot turn a thread into an article', member, 'article.createFromTopic', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false }, false],
    ['visitor downloads an attachment in a public topic', visitor, 'attachment.download', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: false }, true],
    ['visitor cannot download from a members board', visitor, 'attachment.download', { board: { visibility: 'members' }, locked: false, closed: false, deleted: false, postDeleted: false }, false],
    ['member downloads from a members board', member, 'attachment.download', { board: { visibility: 'members' }, locked: false, closed: false, deleted: false, postDeleted: false }, true],
    ['employee cannot download from a staff board', employee, 'attachment.download', { board: { visibility: 'staff' }, locked: false, closed: false, deleted: false, postDeleted: false }, false],
    ['nobody downloads a deleted post\'s attachment', moderator, 'attachment.download', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false, postDeleted: true }, false],
    ['member cannot download from a deleted topic', member, 'attachment.download', { board: { visibility: 'public' }, locked: false, closed: false, deleted: true, postDeleted: false }, false],
    ['community manager turns a thread into an article', manager, 'article.createFromTopic', { board: { visibility: 'public' }, locked: true, closed: false, deleted: false }, true],
    ['a participant reads the conversation', member, 'conversation.view', { participant: true, left: false, team: false, reported: false }, true],
    ['one who left no longer reads it', member, 'conversation.view', { participant: true, left: true, team: false, reported: false }, false],
    ['a non-participant member does not read it', member, 'conversation.view', { participant: false, left: false, team: false, reported: false }, false],
    ['a non-participant moderator does not read an unreported conversation', moderator, 'conversation.view', { participant: false, left: false, team: false, reported: false }, false],
    ['nor does an admin', admin, 'conversation.view', { participant: false, left: false, team: false, reported: false }, false],
    ['a moderator reads a reported conversation', moderator, 'conversation.view', { participant: false, left: false, team: false, reported: true }, true],
    ['an employee does not read a reported conversation', employee, 'conversation.view', { participant: false, left: false, team: false, reported: true }, false],
    ['the community team reads a team conversation', manager, 'conversation.view', { participant: false, left: false, team: true, reported: false }, true],
    ['an employee is not the community team', employee, 'conversation.view', { participant: false, left: false, team: true, reported: false }, false],
    ['a moderator reading a reported conversation does not reply in it', moderator, 'conversation.reply', { participant: false, left: false, team: false, reported: true }, false],
    ['a moderator reading a reported conversation adds nobody to it', moderator, 'conversation.addPeople', { participant: false, left: false, team: false, reported: true }, false],
    ['someone who left adds nobody', member, 'conversation.addPeople', { participant: true, left: true, team: false, reported: false }, false],
    ['a participant adds people', member, 'conversation.addPeople', { participant: true, left: false, team: false, reported: false }, true],
    ['a visitor starts nothing', visitor, 'conversation.start', null, false],
    ['members message members while it is on', member, 'conversation.messageMembers', { membersMayMessage: true }, true],
    ['not when it is off', member, 'conversation.messageMembers', { membersMayMessage: false }, false],
    ['nor employees', employee, 'conversation.messageMembers', { membersMayMessage: false }, false],
    ['the team still can', moderator, 'conversation.messageMembers', { membersMayMessage: false }, true],
    ['an employee continues a public case in private', employee, 'conversation.continueInPrivate', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false }, true],
    ['a member does not', member, 'conversation.continueInPrivate', { board: { visibility: 'public' }, locked: false, closed: false, deleted: false }, false],
    ['nor on a topic the employee cannot see', employee, 'conversation.continueInPrivate', { board: { visibility: 'staff' }, locked: false, closed: false, deleted: false }, false],
    ['an author edits and resends their returned draft', employee, 'draft.resubmit', { authorId: 2, status: 'returned' }, true],
    ['not one still waiting for the team', employee, 'draft.resubmit', { authorId: 2, status: 'pending' }, false],
    ['nor one already posted', employee, 'draft.resubmit', { authorId: 2, status: 'published' }, false],
    ['nobody else resends it, the team included', moderator, 'draft.resubmit', { authorId: 2, status: 'returned' }, false],
    ['a visitor resends nothing', visitor, 'draft.resubmit', { authorId: 2, status: 'returned' }, false],
  ];
  for (const [name, a, action, s, allowed] of expect) assert.equal(check(a, action, s), allowed, name);
});

test('authorize: 401 for a visitor, 403 for a signed-in actor', () => {
  assert.throws(() => authorize(null, 'topic.create', { visibility: 'public', topic_creators: 'members' }), (e: { status: number }) => e.status === 401);
  assert.throws(() => authorize(member, 'board.manage', null), (e: { status: number }) => e.status === 403);
  assert.doesNotThrow(() => authorize(manager, 'board.manage', null));
});

test('board moderators: the queue items, topics and posts of their boards only; guard holds and other boards stay with the global team', () => {
  const boardMod: Actor = { id: 6, roles: new Set<Role>(['member']), boards: new Set([7]) };
  const on = (id: number) => ({ board: { visibility: 'public' as BoardVisibility, id }, locked: false, closed: false, deleted: false, authorId: 1, postDeleted: false, postHidden: true });
  assert.equal(can(boardMod, 'queue.review', null), true);
  assert.equal(can(member, 'queue.review', null), false);
  const board = (id: number, visibility: BoardVisibility = 'public') => ({ id, visibility });
  assert.equal(can(boardMod, 'queue.item', { board: board(7), confidential: false }), true);
  assert.equal(can(boardMod, 'queue.item', { board: board(7, 'members'), confidential: false }), true);
  assert.equal(can(boardMod, 'queue.item', { board: board(8), confidential: false }), false);
  assert.equal(can(boardMod, 'queue.item', { board: null, confidential: false }), false, 'a board-less item (a reported conversation)');
  assert.equal(can(boardMod, 'queue.item', { board: board(7), confidential: true }), false, 'what the guard found');
  assert.equal(can(boardMod, 'queue.item', { board: board(7, 'staff'), confidential: false }), false, 'their board turned staff-only');
  assert.equal(can(moderator, 'queue.item', { board: board(8, 'staff'), confidential: true }), true);
  for (const action of ['post.moderate', 'topic.moderate', 'post.edit', 'post.delete', 'post.view'] as const) {
    assert.equal(check(boardMod, action, on(7)), true, `${action} on their board`);
    assert.equal(check(boardMod, action, on(8)), false, `${action} on another board`);
    assert.equal(check(moderator, action, on(8)), true, `global moderator: ${action}`);
  }
  assert.equal(can(boardMod, 'post.viewHidden', { authorId: 1, board: { id: 7 } }), true);
  assert.equal(can(boardMod, 'post.viewHidden', { authorId: 1, board: { id: 8 } }), false);
  assert.equal(can(boardMod, 'staffLog.view', null), false);
  assert.equal(can(boardMod, 'board.view', { visibility: 'staff', id: 7 }), false, 'no staff boards through a board assignment');
});
