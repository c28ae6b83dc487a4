// What a topic page puts in <head> for search engines and link previews: the meta description and
// the Open Graph title/type/url. The structured data is microdata on the thread itself (topic.eta).
import { viewHelpers } from '../web/view-helpers.ts';
import { truncate } from './plain-text.ts';

export const DESCRIPTION_LENGTH = 160;

export interface TopicHead {
  /** For the layout's <meta name="description"> (undefined: none). */
  description: string | undefined;
  seo: { ogTitle: string; ogType: 'article'; ogUrl: string };
}

interface TopicHeadData {
  topic: { id: number; slug: string; title: string };
  posts: { body_text: string; deleted_at: string | null }[];
  page: number;
}

export function topicHead(data: TopicHeadData, publicUrl: string): TopicHead {
  // Page 1 describes itself by the question; later pages by their first visible post.
  const lead = data.posts.find((p) => !p.deleted_at);
  const text = lead ? lead.body_text : '';
  return {
    description: text ? truncate(text, DESCRIPTION_LENGTH) : undefined,
    seo: {
      ogTitle: data.topic.title,
      ogType: 'article',
      ogUrl: publicUrl + viewHelpers.topicUrl(data.topic, data.page),
    },
  };
}
