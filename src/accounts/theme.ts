// Light or dark (issue 18): pages follow the system (prefers-color-scheme) unless a signed-in
// member picks one in their settings. The choice lives in a cookie on that device, read only on
// signed-in pages: visitors' pages are shared through the page cache and must not vary by cookie.
export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = 'theme';

export function parseTheme(value: unknown): Theme | null {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value) ? (value as Theme) : null;
}
