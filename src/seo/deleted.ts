// What every public surface (pages, microdata, feeds) shows in place of a deleted post or account,
// and nothing more.
export const DELETED_POST_TEXT = 'This post was deleted.';
export const DELETED_USER_NAME = 'deleted user';
