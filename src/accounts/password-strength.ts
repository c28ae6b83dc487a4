// Refuses weak and common passwords with zxcvbn-ts (its dictionaries include the most common
// leaked passwords); the user's own name and address count against the password too.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { text, UserError } from '../shared/errors.ts';

// zxcvbn's feedback comes back as the names of its texts ("warnings.straightRow"); the texts
// themselves are in the catalogues (accounts:password.*), so each reader gets them in their language.
const names = (group: Record<string, string>, prefix: string) => Object.fromEntries(Object.keys(group).map((k) => [k, `${prefix}.${k}`]));

// Loaded on the first password check, not at start: the dictionaries are ~8 MB of heap (238,000
// words) that a server process which never sees a sign-up or a password change need not hold.
let factory: ZxcvbnFactory | undefined;
async function zxcvbn(): Promise<ZxcvbnFactory> {
  if (factory) return factory;
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
  return (factory ??= new ZxcvbnFactory({
    translations: { ...en.translations, warnings: names(en.translations.warnings, 'warnings'), suggestions: names(en.translations.suggestions, 'suggestions') } as typeof en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  }));
}

export const MIN_SCORE = 3;

export async function assertStrongPassword(password: string, userInputs: string[] = []): Promise<void> {
  const result = await (await zxcvbn()).check(password.slice(0, 256), userInputs.filter(Boolean));
  if (result.score >= MIN_SCORE) return;
  const hint = result.feedback.warning || result.feedback.suggestions[0] || 'addMore';
  throw new UserError(text('accounts:errors.passwordWeak', { hint }), 400, 'password');
}
