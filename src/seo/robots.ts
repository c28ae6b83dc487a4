// robots.txt: crawl everything public; keep crawlers out of account and staff pages, whose
// content is either private (they would only meet a sign-in page) or worthless in search.
export const DISALLOWED = ['/settings', '/admin', '/signin', '/signup', '/password', '/auth'] as const;

export function robotsTxt(publicUrl: string): string {
  return ['User-agent: *', 'Allow: /', ...DISALLOWED.map((p) => `Disallow: ${p}`), '', `Sitemap: ${publicUrl}/sitemap.xml`, ''].join('\n');
}
