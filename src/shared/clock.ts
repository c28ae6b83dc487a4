/** Times are stored as ISO-8601 UTC strings, which sort correctly as text on both databases. */
export const nowIso = (): string => new Date().toISOString();
