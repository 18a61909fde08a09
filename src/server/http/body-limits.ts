/**
 * Answers that must reach the client as answers (CONTRACT §3: "a 413 or 429
 * reaches the client as an answer, never as a cut connection"):
 *
 * - A body over the limit: fastify refuses it as soon as it sees the length,
 *   but a client still sending gets EPIPE instead of the status when the
 *   socket closes under it (FACTS). So the rest of the body is read and
 *   dropped before the 413 goes out, up to a bound past which the sender is
 *   not a client of ours.
 * - A body of a type no parser takes: fastify answers 415 without reading it,
 *   so a body over the limit got 415, not the contract's 413. The catch-all
 *   parser reads it under fastify's body limit (by length, or as it arrives
 *   when chunked) and answers 415 only for a body within it.
 * - Errors Node's HTTP parser answers by itself (headers too large → 431,
 *   malformed request → 400): written in the contract's error shape.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorCodes, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../shared/protocol';
import { errorBody } from './errors';

/** Read and dropped at most, after which the connection is cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const MAX_DRAIN_MS = 15_000;

export async function drainTooLarge(error: FastifyError | Error, request: FastifyRequest): Promise<void> {
  if ((error as FastifyError).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  await new Promise<void>((resolve) => {
    let received = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('close', done);
      raw.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_DRAIN_BYTES) {
        raw.destroy();
        done();
      }
    };
    const timer = setTimeout(() => {
      raw.destroy();
      done();
    }, MAX_DRAIN_MS);
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}

export function refuseUnknownMediaTypes(app: FastifyInstance): void {
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    // An unknown route still answers 404, as it did when no parser was found.
    if (request.is404) return done(null, undefined);
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
  });
}

interface ParserError extends Error {
  code?: string;
}

export function handleClientError(error: ParserError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, ERROR_CODES.invalid, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ERROR_CODES.invalid, 'the request took too long to arrive']
        : [400, ERROR_CODES.invalid, 'malformed HTTP request'];
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
