import type { FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../shared/protocol';
import type { TokenService } from '../auth/tokens';
import type { Store, Viewer } from '../store/types';
import { HttpError } from './errors';

/** The user behind a `Bearer` token, or a 401. A token of a user this database does not know is bad too. */
export async function viewerFromToken(tokens: TokenService, store: Store, token: string | undefined): Promise<Viewer | null> {
  if (!token) return null;
  const userId = await tokens.verify(token);
  if (!userId) return null;
  const user = await store.findUserById(userId);
  return user ? { id: user.id, email: user.email.toLowerCase() } : null;
}

export async function requireViewer(request: FastifyRequest, tokens: TokenService, store: Store): Promise<Viewer> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const viewer = await viewerFromToken(tokens, store, match?.[1]);
  if (!viewer) throw new HttpError(401, ERROR_CODES.unauthorized, 'a valid Bearer token is required');
  return viewer;
}
