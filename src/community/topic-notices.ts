// The small notices in a thread ("Moved from Billing to Mobile by a moderator", written by
// src/moderation/reorganize-topics.ts). Newer rows hold a catalogue key and its values, which the
// topic page puts in the reader's language; older rows only their English words, shown as they are.

/** A topic_notices row as the topic page reads it. */
export interface StoredNotice {
  text: string;
  notice_key?: string | null;
  notice_params?: string | null;
  created_at: string;
}

/** A notice for the page: `key` and `params` to translate, else `text` as written. */
export interface TopicNotice {
  text: string;
  key: string | null;
  params: Record<string, unknown> | undefined;
  created_at: string;
}

export function topicNotices(rows: StoredNotice[]): TopicNotice[] {
  return rows.map((n) => {
    let params: Record<string, unknown> | undefined;
    if (n.notice_key && n.notice_params) {
      try {
        const parsed: unknown = JSON.parse(n.notice_params);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
      } catch {
        // Unreadable values: the English words below.
      }
    }
    const usable = !!n.notice_key && (params !== undefined || !n.notice_params);
    return { text: n.text, key: usable ? n.notice_key! : null, params: usable ? params : undefined, created_at: n.created_at };
  });
}
