/**
 * Client-side checks of form input, and the words for errors from the
 * server: each is a sentence-case sentence that says what to do.
 */
import { LIMITS, normalizeEmail } from '../shared/schema';
import { ApiError } from '../web/app-client';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const formatCount = (n: number) => n.toLocaleString('en-US');

/** The message for text over a field's limit; `what` names the field ("the message"). */
function tooLongMessage(what: string, limit: number, length: number): string {
  return `Shorten ${what} to ${formatCount(limit)} characters or fewer (it has ${formatCount(length)}).`;
}

export function checkName(value: string, what = 'your name'): string | null {
  const trimmed = value.trim();
  if (!trimmed) return `Enter ${what}.`;
  if (trimmed.length > LIMITS.name) return tooLongMessage('the name', LIMITS.name, trimmed.length);
  return null;
}

export function checkEmail(value: string, what = 'your email'): string | null {
  const trimmed = value.trim();
  if (!trimmed) return `Enter ${what}.`;
  if (trimmed.length > LIMITS.email) return tooLongMessage('the email', LIMITS.email, trimmed.length);
  if (!EMAIL_SHAPE.test(trimmed)) return 'Enter an email address like name@example.com.';
  return null;
}

/**
 * A referee's email, which may not be the user's own: the server refuses a
 * request to oneself (comparing normalized addresses, as here), and said
 * only once the request synced, as a failed record, not a field to fix.
 */
export function checkRefereeEmail(value: string, ownEmail: string): string | null {
  const problem = checkEmail(value, "the referee's email");
  if (problem) return problem;
  if (normalizeEmail(value) === normalizeEmail(ownEmail)) return "Enter someone else's email: you cannot ask yourself for a reference.";
  return null;
}

export function checkPassword(value: string): string | null {
  if (!value) return 'Enter your password.';
  if (value.length < LIMITS.passwordMin) return `Use at least ${LIMITS.passwordMin} characters.`;
  if (value.length > LIMITS.passwordMax) return tooLongMessage('the password', LIMITS.passwordMax, value.length);
  return null;
}

export function checkMessage(value: string): string | null {
  const length = value.trim().length;
  return length > LIMITS.message ? tooLongMessage('the message', LIMITS.message, length) : null;
}

export function checkResponse(value: string): string | null {
  const length = value.trim().length;
  if (!length) return 'Write the reference, or decline.';
  if (length > LIMITS.response) return tooLongMessage('the reference', LIMITS.response, length);
  return null;
}

export type Errors<K extends string> = Partial<Record<K, string>>;

/** The errors that are set, or null when the form is valid. */
export function collectErrors<K extends string>(checks: Record<K, string | null>): Errors<K> | null {
  const errors: Errors<K> = {};
  let any = false;
  for (const key of Object.keys(checks) as K[]) {
    const message = checks[key];
    if (message) {
      errors[key] = message;
      any = true;
    }
  }
  return any ? errors : null;
}

/** What went wrong, for the user; `field` names the form field it is about, when one is. */
export interface Problem {
  message: string;
  field?: 'name' | 'email' | 'password';
  /** 409 email_taken: the form offers `Sign in instead`. */
  emailTaken?: boolean;
}

/** "wrong thing" -> "Wrong thing." (the server's messages are lower case, without a stop). */
function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Something went wrong. Try again.';
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** A problem for an error thrown by AuthApi (sign-up, sign-in) or an AppClient action. */
export function describeProblem(error: unknown): Problem {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'email_taken':
        return { message: 'An account with this email already exists. Sign in instead, or use another email.', field: 'email', emailTaken: true };
      case 'unauthorized':
        return { message: 'That email and password do not match. Check both and try again.', field: 'password' };
      case 'rate_limited':
        return { message: 'Too many attempts in a short time. Wait a minute, then try again.' };
      case 'unavailable':
      case 'internal':
        return { message: 'The server has a problem right now. Your data is safe; try again in a moment.' };
      case 'invalid': {
        const text = error.message.toLowerCase();
        if (text.includes('password')) return { message: 'Choose another password: at least 8 characters, and not a common one.', field: 'password' };
        if (text.includes('email')) return { message: 'Enter an email address like name@example.com.', field: 'email' };
        if (text.includes('name')) return { message: 'Enter your name.', field: 'name' };
        return { message: `${asSentence(error.message)} Check the form and try again.` };
      }
      default:
        return { message: asSentence(error.message) };
    }
  }
  if (error instanceof Error && error.message) return { message: asSentence(error.message) };
  return { message: 'Something went wrong. Try again.' };
}

export function describeError(error: unknown): string {
  return describeProblem(error).message;
}
