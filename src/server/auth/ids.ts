import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A WatermelonDB-style id (16 lowercase alphanumerics), since server and client share ids. */
export function newId(): string {
  const bytes = randomBytes(16);
  let id = '';
  // 36 does not divide 256: the slight bias is irrelevant for ids.
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}
