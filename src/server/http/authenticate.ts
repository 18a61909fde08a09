import type { FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../shared/protocol';
import type { TokenService } from '../auth/tokens';
import type { Store, Viewer } from '../store/types';
import { HttpError } from './errors';

/**
 * Users are never deleted and their email never changes, so id → email can be
 * remembered per store: it saves a query on every sync request.
 */
const viewerCache = new WeakMap<Store, Map<string, Viewer>>();
const CACHE_LIMIT = 10_000;

/** The user behind a `Bearer` token, or a 401. A token of a user this database does not know is bad too. */
export async function viewerFromToken(tokens: TokenService, store: Store, token: string | undefined): Promise<Viewer | null> {
  if (!token) return null;
  const userId = await tokens.verify(token);
  if (!userId) return null;
  let cache = viewerCache.get(store);
  if (!cache) viewerCache.set(store, (cache = new Map()));
  const cached = cache.get(userId);
  if (cached) return cached;
  const user = await store.findUserById(userId);
  if (!user) return null;
  const viewer = { id: user.id, email: user.email.toLowerCase() };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(userId, viewer);
  return viewer;
}

export async function requireViewer(request: FastifyRequest, tokens: TokenService, store: Store): Promise<Viewer> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const viewer = await viewerFromToken(tokens, store, match?.[1]);
  if (!viewer) throw new HttpError(401, ERROR_CODES.unauthorized, 'a valid Bearer token is required');
  return viewer;
}
