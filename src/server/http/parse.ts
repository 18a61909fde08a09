import type { z } from 'zod';
import { ERROR_CODES } from '../../shared/protocol';
import { HttpError } from './errors';

/** Parses with a shared protocol schema; a mismatch is the client's fault (400), never ours. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new HttpError(400, ERROR_CODES.invalid, `${where}${issue?.message ?? 'invalid request'}`);
}
