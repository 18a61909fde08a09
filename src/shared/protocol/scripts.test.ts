import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../schema';
import { isValidEmail } from './constants';
import { emailMixesScripts, mixesScripts } from './scripts';

describe('mixed scripts', () => {
  it.each([
    ['paypal', false],
    ['pаypal', true], // Cyrillic а
    ['иван', false],
    ['ivanиван', true],
    ['αλφα', false],
    ['alphaα', true],
    ['山田たろう', false], // Han + Hiragana: Japanese
    ['yamada山田', false], // Latin + Han
    ['김철수kim', false], // Hangul + Latin
    ['김山田た', true], // Hangul + Hiragana: no language writes both
    ['john.doe+1_2', false],
  ])('%s mixes scripts: %s', (text, mixed) => {
    expect(mixesScripts(text)).toBe(mixed);
  });

  it('checks the local part and each domain label on its own', () => {
    expect(emailMixesScripts('user@пример.com')).toBe(false);
    expect(emailMixesScripts('user@exаmple.com')).toBe(true);
    expect(emailMixesScripts('аdmin@example.com')).toBe(true);
  });
});

describe('email normalization', () => {
  it('trims, NFKC-normalizes and lowercases', () => {
    expect(normalizeEmail('  ＡＬＩＣＥ@Example.COM ')).toBe('alice@example.com');
    expect(normalizeEmail('ﬁle@example.com')).toBe('file@example.com');
  });

  it('refuses addresses that mix scripts, accepts single-script ones', () => {
    expect(isValidEmail('alice@example.com')).toBe(true);
    expect(isValidEmail('иван@пример.рф')).toBe(true);
    expect(isValidEmail('аlice@example.com')).toBe(false);
    expect(isValidEmail('alice@ехample.com')).toBe(false);
  });
});
