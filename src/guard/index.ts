/**
 * Parley confidentiality guard — public API. Pure library: text and registers in, findings out.
 *
 *   const customers = new CustomerRegister(secret);            // HMAC-SHA-256 keyed hashes only
 *   customers.addRecord({ name, phone, email, address, customer_number });
 *   const documents = new DocumentRegister();
 *   documents.addDocument('pricing-2026', text, 'confidential');
 *   const findings = scanText(post, { registers: { customers, documents }, options: { defaultRegion: 'NL', pricePlans } });
 *   const decision = decide(findings, { roles: ['employee'], policy });   // allow | warn | mask | hold | block
 *   const safe = maskText(post, decision.toMask);
 */
export {
  FINDING_TYPES,
  DEFAULT_OPTIONS,
  MAX_TEXT_LENGTH,
  GuardInputTooLargeError,
  resolveOptions,
  type Finding,
  type FindingType,
  type FindingSource,
  type GuardOptions,
  type CustomerNumberPattern,
  type CheckDigitAlgorithm,
  type PostalCountry,
} from './types.ts';
export { scanText, publicNameKey, isPublicMemberName, type GuardRegisters, type ScanContext } from './scan.ts';
export {
  CustomerRegister,
  CUSTOMER_FIELDS,
  normaliseName,
  normalisePhone,
  normaliseEmail,
  normaliseAddress,
  normaliseCustomerNumber,
  normaliseIban,
  type CustomerField,
  type CustomerRecordInput,
} from './customer-register.ts';
export { DocumentRegister, tokenize, kgramHashes, winnow, K as FINGERPRINT_K, W as FINGERPRINT_W, type DocumentLabel, type DocumentMatch } from './fingerprint.ts';
export { decide, DEFAULT_POLICY, mergePolicy, validatePolicy, ACTIONS, type GuardAction, type GuardPolicy, type GuardDecision, type FindingDecision, type RoleRules } from './policy.ts';
export { maskText, mergeSpans, MASK_LABELS, type MaskOptions } from './mask.ts';
export { luhnValid, mod11Valid, mod97Valid, checkDigitValid } from './checksums.ts';
export { evaluate, parseJsonl, parseTypeMap, formatReport, type EvalReport, type LabelledExample, type SplitExample } from './eval.ts';
