import { z } from 'zod';
import { LIMITS, REFERENCE_STATUSES, normalizeEmail } from '../schema';

/**
 * Field validators both sides share, so a value the client accepts is one the
 * server accepts. Deliberately looser than RFC 5322: one `@`, a dot in the domain.
 */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** PostgreSQL text cannot hold U+0000: such input must be refused before it reaches a query. */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

const text = () => z.string().refine((v) => !hasNul(v), 'must not contain NUL characters');

export function isValidEmail(value: string): boolean {
  const email = normalizeEmail(value);
  return email.length <= LIMITS.email && EMAIL_SHAPE.test(email) && !hasNul(email);
}

export const EmailSchema = z
  .string()
  .max(LIMITS.email * 2)
  .refine(isValidEmail, 'must be an email address')
  .transform(normalizeEmail);

export const NameSchema = text()
  .max(LIMITS.name)
  .refine((v) => v.trim().length > 0, 'must not be empty');

export const PasswordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax);

export const MessageSchema = text().max(LIMITS.message);
export const ResponseSchema = text().max(LIMITS.response).nullable();
export const ReferenceStatusSchema = z.enum(REFERENCE_STATUSES);

/** Milliseconds since the epoch; WatermelonDB stores them as plain numbers. */
export const TimeSchema = z.number().int().nonnegative().max(8.64e15);

/** WatermelonDB ids are 16 characters; anything printable up to 64 is accepted. */
export const RecordIdSchema = z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII');
