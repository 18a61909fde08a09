/**
 * Mixed-script detection for email addresses (CONTRACT §3): `pаypal` with a
 * Cyrillic `а` looks like `paypal` and would let one person pose as another
 * person's referee. Modelled on Unicode TS #39's "highly restrictive" level:
 * one script per part, except the combinations a real language writes
 * together (Japanese, Chinese and Korean with Latin).
 *
 * Digits, punctuation and combining marks belong to no script (Common,
 * Inherited) and never count.
 */

const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Khmer', 'Mongolian', 'Hiragana', 'Katakana', 'Han',
  'Bopomofo',
] as const;

const SCRIPT_PATTERNS = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);
const LETTER = /\p{L}/u;

/** Scripts that real writing mixes; a set of scripts inside one of these is not "mixed". */
const ALLOWED_TOGETHER: readonly ReadonlySet<string>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

function scriptOf(char: string): string {
  for (const [name, pattern] of SCRIPT_PATTERNS) if (pattern.test(char)) return name;
  return 'Other';
}

/** The scripts of the letters in `text`. */
function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const char of text) if (LETTER.test(char)) found.add(scriptOf(char));
  return found;
}

/** Letters of ASCII are all Latin: nothing to mix. Nearly every address is ASCII, and the walk below costs two regular expressions per character. */
const NOT_ASCII = /[^\p{ASCII}]/u;

export function mixesScripts(text: string): boolean {
  if (!NOT_ASCII.test(text)) return false;
  const found = scriptsOf(text);
  if (found.size <= 1) return false;
  return !ALLOWED_TOGETHER.some((allowed) => [...found].every((script) => allowed.has(script)));
}

/**
 * An address whose local part, or any label of its domain, mixes scripts.
 * Labels are checked one by one: `пример.com` (a Cyrillic name under a Latin
 * top-level domain) is an ordinary internationalized domain.
 */
export function emailMixesScripts(email: string): boolean {
  if (!NOT_ASCII.test(email)) return false;
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domain = at < 0 ? '' : email.slice(at + 1);
  return mixesScripts(local) || domain.split('.').some(mixesScripts);
}
