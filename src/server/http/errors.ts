/**
 * Every error leaves as `{"error": {"code", "message"}}`. Bad input of any
 * kind maps to a 4xx here; a database that cannot be reached to 503 (the
 * client retries; nothing was acknowledged); only a bug reaches 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../shared/protocol';
import { ContendedWriteError, isDatabaseUnavailable } from '../store/unavailable';

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 2;

export function unavailableBody(): ErrorBody {
  return errorBody(ERROR_CODES.unavailable, 'the database is unavailable; try again shortly');
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ERROR_CODES.unauthorized;
    case 403:
      return ERROR_CODES.forbidden;
    case 404:
      return ERROR_CODES.notFound;
    case 413:
      return ERROR_CODES.tooLarge;
    case 415:
      return ERROR_CODES.unsupportedMediaType;
    case 429:
      return ERROR_CODES.rateLimited;
    default:
      return ERROR_CODES.invalid;
  }
}

export function handleError(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply.status(error.statusCode).send(errorBody(error.code, error.message));
    return;
  }
  if (error instanceof ContendedWriteError) {
    request.log.warn({ err: summarize(error) }, 'writes contended');
    void reply
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send(errorBody(ERROR_CODES.unavailable, 'other writes to the same records were in the way; nothing was written, try again shortly'));
    return;
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: summarize(error) }, 'database unavailable');
    void reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(unavailableBody());
    return;
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (parse errors, body limit, media type, rate limit): safe to show.
    void reply.status(status).send(errorBody(codeForStatus(status), error.message));
    return;
  }
  request.log.error({ err: summarize(error) }, 'unhandled error');
  void reply.status(500).send(errorBody(ERROR_CODES.internal, 'internal error'));
}

/**
 * What a log may say about an unexpected error: database errors carry the
 * failed statement's parameters (record contents) after the first line.
 */
export function summarize(error: Error & { code?: unknown; cause?: unknown }): Record<string, unknown> {
  const firstLine = (text: string) => text.split('\n')[0]?.slice(0, 300);
  const cause = error.cause instanceof Error ? (error.cause as Error & { code?: unknown }) : undefined;
  return {
    type: error.name,
    code: error.code,
    message: firstLine(error.message),
    ...(cause ? { cause: { type: cause.name, code: cause.code, message: firstLine(cause.message) } } : {}),
    stack: error.stack?.split('\n').slice(1, 6).join('\n'),
  };
}
