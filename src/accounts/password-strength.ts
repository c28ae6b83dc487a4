// Refuses weak and common passwords with zxcvbn-ts (its dictionaries include the most common
// leaked passwords); the user's own name and address count against the password too.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { text, UserError } from '../shared/errors.ts';

// zxcvbn's feedback comes back as the names of its texts ("warnings.straightRow"); the texts
// themselves are in the catalogues (accounts:password.*), so each reader gets them in their language.
const names = (group: Record<string, string>, prefix: string) => Object.fromEntries(Object.keys(group).map((k) => [k, `${prefix}.${k}`]));
const translations = { ...en.translations, warnings: names(en.translations.warnings, 'warnings'), suggestions: names(en.translations.suggestions, 'suggestions') } as typeof en.translations;

let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  }));

export const MIN_SCORE = 3;

export async function assertStrongPassword(password: string, userInputs: string[] = []): Promise<void> {
  const result = await zxcvbn().check(password.slice(0, 256), userInputs.filter(Boolean));
  if (result.score >= MIN_SCORE) return;
  const hint = result.feedback.warning || result.feedback.suggestions[0] || 'addMore';
  throw new UserError(text('accounts:errors.passwordWeak', { hint }), 400, 'password');
}
