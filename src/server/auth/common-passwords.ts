/**
 * The 10,000 most common passwords (CONTRACT §3 refuses them), taken from
 * zxcvbn-ts's ranked list of leaked passwords (most common first). Compared
 * case-insensitively: `Password123` is as guessable as `password123`.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ranked = require('@zxcvbn-ts/language-common/src/passwords.json') as string[];

const COMMON_PASSWORD_COUNT = 10_000;

const common = new Set(ranked.slice(0, COMMON_PASSWORD_COUNT).map((p) => p.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return common.has(password.normalize('NFKC').toLowerCase());
}
