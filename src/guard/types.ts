/**
 * Shared types of the confidentiality guard. The guard is a pure library:
 * text and registers in, findings out. No database, HTTP or file system.
 */
import type { CountryCode } from 'libphonenumber-js';

export const FINDING_TYPES = [
  'email',
  'phone',
  'iban',
  'bank_account',
  'card',
  'address',
  'customer_number',
  'contract_date',
  'price_plan',
  'called_numbers',
  'person',
  'customer_record',
  'confidential_document',
] as const;

export type FindingType = (typeof FINDING_TYPES)[number];

export type FindingSource = 'pattern' | 'register' | 'document';

/** One sensitive span. Offsets are UTF-16 code units, as JavaScript counts them; `end` is exclusive. */
export interface Finding {
  type: FindingType;
  start: number;
  end: number;
  /** 0..1 */
  confidence: number;
  /** Human readable; never contains the sensitive value itself. */
  reason: string;
  source?: FindingSource;
  /** Register findings: the customer records the value belongs to (ids of the loaded register),
   * so that a private conversation can tell a participant's own data from another customer's. */
  records?: number[];
}

export type CheckDigitAlgorithm = 'none' | 'mod11' | 'luhn' | 'mod97';

/** A company-specific customer / account / contract number format. */
export interface CustomerNumberPattern {
  /** Label shown in reasons, e.g. "customer number". */
  name: string;
  /** Regular expression source (no flags, no anchors needed). Matched as a whole token. */
  source: string;
  /** Optional check digit over the digits of the match. */
  checkDigit?: CheckDigitAlgorithm;
  /** Case-insensitive match (default true). */
  ignoreCase?: boolean;
}

export type PostalCountry = 'NL' | 'GB' | 'US' | 'DE' | 'BE';

export interface GuardOptions {
  /** Region for phone numbers written in national format, e.g. 'NL'. */
  defaultRegion: CountryCode;
  /** Further regions tried for national-format numbers that are not valid in the default region. */
  extraRegions: CountryCode[];
  /** Company-specific number formats (reported as customer_number). */
  customerNumberPatterns: CustomerNumberPattern[];
  /** Names of price plans and offers from the catalogue community managers maintain. */
  pricePlans: string[];
  /** Countries whose postal address formats are recognised. */
  postalCountries: PostalCountry[];
  /** Findings below this confidence are dropped (default 0.4, as Presidio). */
  minConfidence: number;
}

export const DEFAULT_OPTIONS: GuardOptions = {
  defaultRegion: 'NL',
  extraRegions: ['GB', 'BE', 'DE', 'US'],
  customerNumberPatterns: [],
  pricePlans: [],
  postalCountries: ['NL', 'GB', 'US', 'DE', 'BE'],
  minConfidence: 0.4,
};

/** Merge partial options over the defaults. */
export function resolveOptions(partial?: Partial<GuardOptions>): GuardOptions {
  return { ...DEFAULT_OPTIONS, ...(partial ?? {}) };
}

/** Maximum post size accepted by the guard (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 64 * 1024;

export class GuardInputTooLargeError extends Error {
  readonly length: number;
  readonly limit: number;
  constructor(length: number, limit = MAX_TEXT_LENGTH) {
    super(`text of ${length} characters exceeds the guard limit of ${limit}`);
    this.name = 'GuardInputTooLargeError';
    this.length = length;
    this.limit = limit;
  }
}
