import { z } from 'zod';

/** Stable error codes of the API (CONTRACT §3). Clients match on these, never on messages. */
export const ERROR_CODES = {
  invalid: 'invalid',
  forbidden: 'forbidden',
  unauthorized: 'unauthorized',
  emailTaken: 'email_taken',
  /** A verification code that is wrong, expired or void, or a link that does not verify this email. */
  invalidCode: 'invalid_code',
  notFound: 'not_found',
  tooLarge: 'too_large',
  rateLimited: 'rate_limited',
  unsupportedMediaType: 'unsupported_media_type',
  internal: 'internal',
  /** 503: the server cannot reach its database for now; nothing was acknowledged, retry later. */
  unavailable: 'unavailable',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
