// Refuses weak and common passwords with zxcvbn-ts (its dictionaries include the most common
// leaked passwords); the user's own name and address count against the password too.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { UserError } from '../shared/errors.ts';

let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  }));

export const MIN_SCORE = 3;

export async function assertStrongPassword(password: string, userInputs: string[] = []): Promise<void> {
  const result = await zxcvbn().check(password.slice(0, 256), userInputs.filter(Boolean));
  if (result.score >= MIN_SCORE) return;
  const hint = result.feedback.warning || result.feedback.suggestions[0] || 'Add more words or characters.';
  throw new UserError(`This password is too easy to guess. ${hint}`, 400, 'password');
}
