import { describe, expect, it } from 'vitest';
import { checkEmail, checkName, checkPassword, checkRefereeEmail, checkResponse, collectErrors } from './validation';

describe('form checks', () => {
  it.each([
    ['', 'Enter your email.'],
    ['   ', 'Enter your email.'],
    ['ana', 'Enter an email address like name@example.com.'],
    ['ana@example', 'Enter an email address like name@example.com.'],
    ['ana @example.com', 'Enter an email address like name@example.com.'],
    ['ana@example.com', null],
    [' Ana@Example.COM ', null],
  ])('email %j -> %j', (value, message) => {
    expect(checkEmail(value)).toBe(message);
  });

  const self = "Enter someone else's email: you cannot ask yourself for a reference.";
  it.each([
    ['cleo@example.com', self],
    ['  CLEO@Example.COM ', self],
    // NFKC, as the server compares: fullwidth letters are the same address.
    ['ｃｌｅｏ@example.com', self],
    ['cleo@example.org', null],
    ['cleo.c@example.com', null],
    ['cleo@', 'Enter an email address like name@example.com.'],
    ['', "Enter the referee's email."],
  ])('referee email %j of cleo@example.com -> %j', (value, message) => {
    expect(checkRefereeEmail(value, 'cleo@example.com')).toBe(message);
  });

  it.each([
    ['', 'Enter your password.'],
    ['1234567', 'Use at least 8 characters.'],
    ['12345678', null],
  ])('password %j -> %j', (value, message) => {
    expect(checkPassword(value)).toBe(message);
  });

  it('names and references must not be blank', () => {
    expect(checkName('  ')).toBe('Enter your name.');
    expect(checkName('x'.repeat(201))).toBe('Shorten the name to 200 characters or fewer (it has 201).');
    expect(checkName('Ana')).toBeNull();
    expect(checkResponse(' \n ')).toBe('Write the reference, or decline.');
    expect(checkResponse('Great.')).toBeNull();
  });

  it('collects only the failing fields', () => {
    expect(collectErrors({ a: null, b: 'bad' })).toEqual({ b: 'bad' });
    expect(collectErrors({ a: null })).toBeNull();
  });
});
