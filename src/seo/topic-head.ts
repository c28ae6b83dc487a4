// What a topic page puts in <head> for search engines and link previews: the meta description,
// Open Graph title/type/url, and the JSON-LD (already serialised for a <script> element).
import { viewHelpers } from '../web/view-helpers.ts';
import { jsonForScript, topicJsonLd, type JsonLdTopicPage } from './json-ld.ts';
import { truncate } from './plain-text.ts';

export const DESCRIPTION_LENGTH = 160;

export interface TopicHead {
  /** For the layout's <meta name="description"> (undefined: none). */
  description: string | undefined;
  seo: { ogTitle: string; ogType: 'article'; ogUrl: string; jsonLd: string | null };
}

export function topicHead(data: JsonLdTopicPage & { page: number }, publicUrl: string): TopicHead {
  // Page 1 describes itself by the question; later pages by their first visible post.
  const lead = data.posts.find((p) => !p.deleted_at);
  const text = lead ? lead.body_text : '';
  const jsonLd = topicJsonLd(data, publicUrl);
  return {
    description: text ? truncate(text, DESCRIPTION_LENGTH) : undefined,
    seo: {
      ogTitle: data.topic.title,
      ogType: 'article',
      ogUrl: publicUrl + viewHelpers.topicUrl(data.topic, data.page),
      jsonLd: jsonLd ? jsonForScript(jsonLd) : null,
    },
  };
}
