// schema.org structured data for a topic page, as search engines read it: a question is a
// QAPage whose mainEntity is a Question (with its accepted answer and the other replies on the
// page as suggested answers); a discussion is a DiscussionForumPosting with its replies as
// comments. Pure: the page's data in, a plain object out. Deleted posts and deleted accounts
// show exactly what the page shows ("This post was deleted.", "deleted user") and nothing more.
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { viewHelpers } from '../web/view-helpers.ts';

export interface JsonLdPost {
  id: number;
  post_number: number;
  body_text: string;
  kudos_count: number;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  username: string;
  display_name: string;
  user_deleted: string | null;
}

export interface JsonLdTopicPage {
  topic: { id: number; slug: string; title: string; kind: 'question' | 'discussion'; post_count: number; created_at: string };
  /** The posts of the page shown (the first post only on page 1). */
  posts: JsonLdPost[];
  /** The accepted answer, wherever it is in the topic (undefined when none or deleted). */
  answer?: JsonLdPost | undefined;
}

type JsonObject = { [key: string]: unknown };

export const DELETED_POST_TEXT = 'This post was deleted.';
export const DELETED_USER_NAME = 'deleted user';

/** The JSON-LD object for a topic page, or null when the page does not show the first post. */
export function topicJsonLd(page: JsonLdTopicPage, publicUrl: string): JsonObject | null {
  const first = page.posts[0];
  if (!first || first.post_number !== 1) return null;
  const { topic } = page;
  const topicUrl = publicUrl + viewHelpers.topicUrl(topic);
  const postUrl = (p: JsonLdPost) => `${publicUrl}${viewHelpers.topicUrl(topic, Math.ceil(p.post_number / POSTS_PER_PAGE))}#post-${p.post_number}`;
  const person = (p: JsonLdPost): JsonObject =>
    p.user_deleted
      ? { '@type': 'Person', name: DELETED_USER_NAME }
      : { '@type': 'Person', name: p.display_name, url: publicUrl + viewHelpers.userUrl(p.username) };
  const text = (p: JsonLdPost) => (p.deleted_at ? DELETED_POST_TEXT : p.body_text);
  const modified = (p: JsonLdPost) => (p.updated_at && !p.deleted_at ? { dateModified: p.updated_at } : {});
  // Deleted replies are left out: they carry nothing a reader or a search engine could use.
  const replies = page.posts.filter((p) => p.post_number !== 1 && !p.deleted_at);

  if (topic.kind === 'question') {
    const answer = (p: JsonLdPost): JsonObject => ({
      '@type': 'Answer',
      text: text(p),
      dateCreated: p.created_at,
      datePublished: p.created_at,
      ...modified(p),
      url: postUrl(p),
      upvoteCount: p.kudos_count, // kudos are the community's upvotes
      author: person(p),
    });
    const accepted = page.answer && !page.answer.deleted_at ? page.answer : undefined;
    const suggested = replies.filter((p) => p.id !== accepted?.id);
    return {
      '@context': 'https://schema.org',
      '@type': 'QAPage',
      mainEntity: {
        '@type': 'Question',
        name: topic.title,
        text: text(first),
        answerCount: Math.max(0, topic.post_count - 1),
        upvoteCount: first.kudos_count,
        dateCreated: first.created_at,
        datePublished: first.created_at,
        ...modified(first),
        author: person(first),
        url: topicUrl,
        ...(accepted ? { acceptedAnswer: answer(accepted) } : {}),
        ...(suggested.length ? { suggestedAnswer: suggested.map(answer) } : {}),
      },
    };
  }

  return {
    '@context': 'https://schema.org',
    '@type': 'DiscussionForumPosting',
    headline: topic.title,
    text: text(first),
    url: topicUrl,
    mainEntityOfPage: topicUrl,
    datePublished: first.created_at,
    ...modified(first),
    author: person(first),
    commentCount: Math.max(0, topic.post_count - 1),
    comment: replies.map((p) => ({
      '@type': 'Comment',
      text: text(p),
      datePublished: p.created_at,
      ...modified(p),
      url: postUrl(p),
      author: person(p),
    })),
  };
}

/**
 * JSON for inside a <script> element: `<`, `>` and `&` become \u escapes (still the same JSON),
 * so no text a user wrote — "</script>", "<!--" — can end the element or change how it parses.
 */
export function jsonForScript(value: unknown): string {
  let json = JSON.stringify(value);
  // indexOf is a memchr-speed scan, several times faster than one regular-expression pass over
  // the ~10 KB of a topic page's JSON, and most of these characters are absent from most pages.
  for (const [c, escaped] of SCRIPT_ESCAPES) if (json.includes(c)) json = json.replaceAll(c, escaped);
  return json;
}
const SCRIPT_ESCAPES: [string, string][] = [['<', '\\u003c'], ['>', '\\u003e'], ['&', '\\u0026'], ['\u2028', '\\u2028'], ['\u2029', '\\u2029']];
