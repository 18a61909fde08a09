/** Client-side checks of form input; each returns a message for the user or null. */
import { LIMITS } from '../shared/schema';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkName(value: string, what = 'your name'): string | null {
  const trimmed = value.trim();
  if (!trimmed) return `Enter ${what}.`;
  if (trimmed.length > LIMITS.name) return `Keep it under ${LIMITS.name} characters.`;
  return null;
}

export function checkEmail(value: string, what = 'your email'): string | null {
  const trimmed = value.trim();
  if (!trimmed) return `Enter ${what}.`;
  if (trimmed.length > LIMITS.email || !EMAIL_SHAPE.test(trimmed)) return 'Enter an email address like name@example.com.';
  return null;
}

export function checkPassword(value: string): string | null {
  if (!value) return 'Enter your password.';
  if (value.length < LIMITS.passwordMin) return `Use at least ${LIMITS.passwordMin} characters.`;
  if (value.length > LIMITS.passwordMax) return `Keep it under ${LIMITS.passwordMax} characters.`;
  return null;
}

export function checkMessage(value: string): string | null {
  return value.length > LIMITS.message ? `Keep the message under ${LIMITS.message} characters.` : null;
}

export function checkResponse(value: string): string | null {
  if (!value.trim()) return 'Write the reference, or decline.';
  if (value.length > LIMITS.response) return `Keep the reference under ${LIMITS.response} characters.`;
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

/** A message for an error thrown by AuthApi or an AppClient action. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
