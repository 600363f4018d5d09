import { ZxcvbnFactory, type OptionsType } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { validationFailed } from '../errors/common.errors.js';

/**
 * zxcvbn's score scale is 0–4; 3 is "safely unguessable: moderate protection from offline
 * slow-hash scenario" (Wheeler, "zxcvbn: Low-Budget Password Strength Estimation", USENIX Security
 * 2016), the level OWASP ASVS 4.0 §2.1.8 suggests a strength meter enforce together with the
 * breached-password check that zxcvbn's common-password list approximates.
 */
export const MIN_PASSWORD_SCORE = 3;

/**
 * English feedback texts for zxcvbn's warning and suggestion keys (the language-common package has
 * none; these follow @zxcvbn-ts/language-en).
 */
const TRANSLATIONS: NonNullable<OptionsType['translations']> = {
  warnings: {
    straightRow: 'Straight rows of keys on your keyboard are easy to guess.',
    keyPattern: 'Short keyboard patterns are easy to guess.',
    simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
    extendedRepeat: 'Repeated character patterns like "abcabcabc" are easy to guess.',
    sequences: 'Common character sequences like "abc" are easy to guess.',
    recentYears: 'Recent years are easy to guess.',
    dates: 'Dates are easy to guess.',
    topTen: 'This is a heavily used password.',
    topHundred: 'This is a frequently used password.',
    common: 'This is a commonly used password.',
    similarToCommon: 'This is similar to a commonly used password.',
    wordByItself: 'Single words are easy to guess.',
    namesByThemselves: 'Single names or surnames are easy to guess.',
    commonNames: 'Common names and surnames are easy to guess.',
    userInputs: 'There should not be any personal or page related data.',
    pwned: 'Your password was exposed by a data breach on the Internet.',
  },
  suggestions: {
    l33t: "Avoid predictable letter substitutions like '@' for 'a'.",
    reverseWords: 'Avoid reversed spellings of common words.',
    allUppercase: 'Capitalize some, but not all letters.',
    capitalization: 'Capitalize more than the first letter.',
    dates: 'Avoid dates and years that are associated with you.',
    recentYears: 'Avoid recent years.',
    associatedYears: 'Avoid years that are associated with you.',
    sequences: 'Avoid common character sequences.',
    repeated: 'Avoid repeated words and characters.',
    longerKeyboardPattern: 'Use longer keyboard patterns and change typing direction multiple times.',
    anotherWord: 'Add more words that are less common.',
    useWords: 'Use multiple words, but avoid common phrases.',
    noNeed: 'You can create strong passwords without using symbols, numbers, or uppercase letters.',
    pwned: 'If you use this password elsewhere, you should change it.',
  },
  timeEstimation: {
    ltSecond: 'less than a second',
    second: '{base} second',
    seconds: '{base} seconds',
    minute: '{base} minute',
    minutes: '{base} minutes',
    hour: '{base} hour',
    hours: '{base} hours',
    day: '{base} day',
    days: '{base} days',
    month: '{base} month',
    months: '{base} months',
    year: '{base} year',
    years: '{base} years',
    centuries: 'centuries',
  },
};

let zxcvbn: ZxcvbnFactory | null = null;

/** The user's own data a password must not be built from: the email, its local part, the name (with and without spaces) and its words, and the product name. */
const userInputsOf = (user: { email: string; name: string }): string[] => {
  const local = user.email.split('@')[0] ?? '';
  const words = user.name.split(/\s+/).filter((w) => w.length >= 3);
  return [user.email, local, user.name, user.name.replace(/\s+/g, ''), ...words, 'tasklane'].map((s) => s.toLowerCase());
};

/**
 * Refuses a weak or common password: zxcvbn (the common-password list and keyboard graphs of
 * @zxcvbn-ts/language-common) with the user's email and name as extra dictionary words must score
 * at least MIN_PASSWORD_SCORE. Synchronous, a few milliseconds for a 256-character password.
 * @param field the body field to name in the error (`password`, `newPassword`)
 * @throws AppError VALIDATION_FAILED (400) whose details name `field` with zxcvbn's warning and suggestions
 */
export function assertStrongPassword(password: string, user: { email: string; name: string }, field = 'password'): void {
  zxcvbn ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs, translations: TRANSLATIONS });
  const result = zxcvbn.check(password, userInputsOf(user));
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const reasons = [`is too easy to guess (strength ${result.score} of 4, at least ${MIN_PASSWORD_SCORE} needed)`];
  if (result.feedback.warning) reasons.push(result.feedback.warning);
  reasons.push(...result.feedback.suggestions);
  if (result.feedback.suggestions.length === 0) reasons.push('Use a longer passphrase of several uncommon words.');
  throw validationFailed([{ field, errors: reasons }]);
}
