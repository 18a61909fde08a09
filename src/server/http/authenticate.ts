import type { FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../shared/protocol';
import type { SessionService } from '../auth/sessions';
import type { TokenClaims, TokenService } from '../auth/tokens';
import type { Viewer } from '../store/types';
import { HttpError } from './errors';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The user behind a `Bearer` token of a live session, or a 401. */
export async function requireViewer(request: FastifyRequest, sessions: SessionService): Promise<Viewer> {
  const viewer = await sessions.viewerFor(bearerToken(request));
  if (!viewer) throw unauthorized();
  return viewer;
}

/**
 * The claims of a well-signed, unexpired token, or a 401. Whether its session
 * still lives is for the caller's own statement to check (a push, a pull).
 */
export async function verifiedClaims(request: FastifyRequest, tokens: TokenService): Promise<TokenClaims> {
  const token = bearerToken(request);
  const claims = token ? await tokens.verify(token) : null;
  if (!claims) throw unauthorized();
  return claims;
}

export function unauthorized(): HttpError {
  return new HttpError(401, ERROR_CODES.unauthorized, 'a valid Bearer token of a live session is required');
}
