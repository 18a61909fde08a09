import { z } from 'zod';
import { LIMITS, REFERENCE_STATUSES, normalizeEmail } from '../schema';
import { hasNul, isValidEmail } from './constants';

/** Field validators both sides share, so a value the client accepts is one the server accepts. */
export { hasNul, isValidEmail };

const text = () => z.string().refine((v) => !hasNul(v), 'must not contain NUL characters');

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
