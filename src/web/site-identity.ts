// The community's name and logo in the header, titles, feeds and e-mails. SITE_NAME and
// SITE_LOGO_URL win; otherwise what the installation stored (the demo community stores its
// company's name, so a demo says "Brightwave Community" rather than a product name).
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';

export const DEFAULT_SITE_NAME = 'Parley Community';
const NAME_KEY = 'site_name';
const LOGO_KEY = 'site_logo_url';
const DEMO_DOMAIN_KEY = 'demo_company_domain';

export interface SiteIdentity {
  name: string;
  /** An image for the header (a path on this site, or an https address), or null for the mark. */
  logoUrl: string | null;
  /** The demo community's company domain, when the database holds the demo (else null). */
  demoCompanyDomain: string | null;
}

export async function siteIdentity(db: Kysely<DB>, config: Pick<Config, 'SITE_NAME' | 'SITE_LOGO_URL'>): Promise<SiteIdentity> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [NAME_KEY, LOGO_KEY, DEMO_DOMAIN_KEY]).execute();
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  return {
    name: config.SITE_NAME ?? stored.get(NAME_KEY) ?? DEFAULT_SITE_NAME,
    logoUrl: config.SITE_LOGO_URL ?? stored.get(LOGO_KEY) ?? null,
    demoCompanyDomain: stored.get(DEMO_DOMAIN_KEY) ?? null,
  };
}

/** Stored by the demo seed: the community's name and the company domain whose addresses are Employees. */
export async function storeDemoIdentity(db: Kysely<DB>, name: string, companyDomain: string): Promise<void> {
  for (const [key, value] of [[NAME_KEY, name], [DEMO_DOMAIN_KEY, companyDomain]] as const) {
    await db.deleteFrom('settings').where('key', '=', key).execute();
    await db.insertInto('settings').values({ key, value }).execute();
  }
}
