/** POST /api/auth/signup and /api/auth/login (CONTRACT §3), rate limited per client address. */
import type { FastifyInstance } from 'fastify';
import {
  ERROR_CODES,
  hasNul,
  LoginBodySchema,
  SignupBodySchema,
  type AuthResponse,
} from '../../shared/protocol';
import { normalizeEmail } from '../../shared/schema';
import { newId } from '../auth/ids';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password';
import type { TokenService } from '../auth/tokens';
import type { Store, StoredUser } from '../store/types';
import { HttpError } from './errors';
import { parseOr400 } from './parse';

export interface AuthRouteDeps {
  store: Store;
  tokens: TokenService;
  clock: () => number;
  /** Requests per minute per client address on /api/auth/*. */
  rateLimit: number;
}

async function session(tokens: TokenService, user: StoredUser): Promise<AuthResponse> {
  return { token: await tokens.issue(user.id), user: { id: user.id, email: user.email, name: user.name } };
}

export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const rateLimit = { max: deps.rateLimit, timeWindow: '1 minute' };

  app.post('/api/auth/signup', { config: { rateLimit } }, async (request, reply) => {
    const body = parseOr400(SignupBodySchema, request.body);
    const passwordHash = await hashPassword(body.password);
    const now = deps.clock();
    const user = await deps.store.write(async (tx) => {
      // Under the counter lock, so two sign-ups with one email cannot both pass the check.
      const seq = (await tx.lockCounter()) + 1;
      if (await tx.findUserByEmail(body.email)) return null;
      const row: StoredUser = {
        id: newId(),
        email: normalizeEmail(body.email),
        name: body.name.trim(),
        passwordHash,
        createdAt: now,
        updatedAt: now,
        colTimes: { email: now, name: now },
        colSeqs: { email: seq, name: seq },
        clampedStamps: {},
        seq,
        createdSeq: seq,
      };
      await tx.insertUser(row);
      await tx.setCounter(seq);
      return row;
    });
    if (!user) throw new HttpError(409, ERROR_CODES.emailTaken, 'this email is already registered');
    return reply.status(201).send(await session(deps.tokens, user));
  });

  app.post('/api/auth/login', { config: { rateLimit } }, async (request) => {
    const body = parseOr400(LoginBodySchema, request.body);
    const user = hasNul(body.email) ? null : await deps.store.findUserByEmail(normalizeEmail(body.email));
    // Hash even for unknown emails: the response time must not tell which emails exist.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !ok) throw new HttpError(401, ERROR_CODES.unauthorized, 'wrong email or password');
    return session(deps.tokens, user);
  });
}
