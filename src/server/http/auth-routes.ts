/**
 * Sign-up, sign-in, sessions and email verification (CONTRACT §3), rate
 * limited per client address. Every message these cause (the verification
 * code) is queued in the mail outbox in the same transaction.
 */
import type { FastifyInstance } from 'fastify';
import {
  ERROR_CODES,
  hasNul,
  LoginBodySchema,
  SignupBodySchema,
  VERIFICATION_CODE_PATTERN,
  VerifyBodySchema,
  type AuthResponse,
  type SessionUser,
  type UserResponse,
} from '../../shared/protocol';
import { normalizeEmail } from '../../shared/schema';
import { codeUsable, hashToken, MAX_CODE_ATTEMPTS, RESEND_INTERVAL_MS, type Codes } from '../auth/codes';
import { isCommonPassword } from '../auth/common-passwords';
import { newId } from '../auth/ids';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password';
import type { SessionService } from '../auth/sessions';
import { verificationMail, type MailContext } from '../mail/messages';
import { revealEvents, type PublishChanges } from '../replication/events';
import { applyVerification } from '../replication/reveal';
import type { Store, StoredUser, Viewer, WriteTx } from '../store/types';
import { requireViewer } from './authenticate';
import { HttpError } from './errors';
import { parseOr400 } from './parse';

/** How long an invitation link verifies its address. */
const INVITE_LINK_TTL_MS = 30 * 24 * 3_600_000;

/** What the auth routes tell the real-time layer. */
interface SessionEvents {
  publish: PublishChanges;
  /** The user's open sockets start receiving what is addressed to `email`. */
  grantEmail(userId: string, email: string): void;
  endSession(sessionId: string): void;
  endUser(userId: string): void;
}

interface AuthRouteDeps {
  store: Store;
  sessions: SessionService;
  codes: Codes;
  clock: () => number;
  /** Requests per minute per client address on /api/auth/*. */
  rateLimit: number;
  mail: MailContext;
  /** Mail was committed to the outbox: send it now. */
  nudgeMail(): void;
  events: SessionEvents;
}

function sessionUser(user: Pick<StoredUser, 'id' | 'email' | 'name' | 'emailVerified'>): SessionUser {
  return { id: user.id, email: user.email, name: user.name, email_verified: user.emailVerified };
}

function viewerUser(viewer: Viewer): SessionUser {
  return { id: viewer.id, email: viewer.email, name: viewer.name, email_verified: viewer.verified };
}

const retryAfter = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));

export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const config = { rateLimit: { max: deps.rateLimit, timeWindow: '1 minute' } };
  const { store, sessions, codes, clock } = deps;

  /** Queues a fresh code for the user (replacing any other). */
  async function sendCode(tx: WriteTx, user: Pick<StoredUser, 'id' | 'email'>, now: number): Promise<void> {
    const issued = codes.issue(user.id, now);
    await tx.putEmailCode(issued.row);
    await tx.enqueueMail([verificationMail(deps.mail.links, user.email, issued.code, issued.linkToken, now)]);
  }

  app.post('/api/auth/signup', { config }, async (request, reply) => {
    const body = parseOr400(SignupBodySchema, request.body);
    if (isCommonPassword(body.password)) {
      throw new HttpError(400, ERROR_CODES.invalid, 'password: this is one of the 10,000 most common passwords; choose another');
    }
    const passwordHash = await hashPassword(body.password);
    const now = clock();
    const id = newId();
    const session = await sessions.open(id);
    const user = await store.write(async (tx) => {
      // The email's bucket alone, so two sign-ups with one email cannot both pass the check.
      const seq = (await tx.begin({ exclusiveEmail: normalizeEmail(body.email) })).base + 1;
      if (await tx.findUserByEmail(body.email)) return null;
      const row: StoredUser = {
        id,
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
        emailVerified: false,
        verifiedSeq: null,
      };
      await tx.insertUser(row);
      await tx.insertSession(session.row);
      await sendCode(tx, row, now);
      return row;
    });
    if (!user) throw new HttpError(409, ERROR_CODES.emailTaken, 'this email is already registered');
    deps.nudgeMail();
    const response: AuthResponse = { token: session.token, user: sessionUser(user) };
    return reply.status(201).send(response);
  });

  app.post('/api/auth/login', { config }, async (request): Promise<AuthResponse> => {
    const body = parseOr400(LoginBodySchema, request.body);
    const user = hasNul(body.email) ? null : await store.findUserByEmail(normalizeEmail(body.email));
    // Hash even for unknown emails: the response time must not tell which emails exist.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !ok) throw new HttpError(401, ERROR_CODES.unauthorized, 'wrong email or password');
    const session = await sessions.open(user.id);
    const now = clock();
    let mailed = false;
    await store.write(async (tx) => {
      await tx.insertSession(session.row);
      if (user.emailVerified) return;
      // An account from before verification, or whose code ran out: signing in asks again.
      const code = await tx.findEmailCode(user.id);
      if (codeUsable(code, now) || (code && now - code.sentAt < RESEND_INTERVAL_MS)) return;
      await sendCode(tx, user, now);
      mailed = true;
    });
    if (mailed) deps.nudgeMail();
    return { token: session.token, user: sessionUser(user) };
  });

  app.get('/api/auth/me', async (request): Promise<UserResponse> => {
    const viewer = await requireViewer(request, sessions);
    return { user: viewerUser(viewer) };
  });

  app.post('/api/auth/logout', { config }, async (request, reply) => {
    const viewer = await requireViewer(request, sessions);
    await store.sessions.end(viewer.sessionId, viewer.id, clock());
    deps.events.endSession(viewer.sessionId);
    return reply.status(204).send();
  });

  app.post('/api/auth/logout-all', { config }, async (request, reply) => {
    const viewer = await requireViewer(request, sessions);
    await store.sessions.endAll(viewer.id, clock());
    deps.events.endUser(viewer.id);
    return reply.status(204).send();
  });

  app.post('/api/auth/verify', { config }, async (request, reply): Promise<UserResponse> => {
    const viewer = await requireViewer(request, sessions);
    const body = parseOr400(VerifyBodySchema, request.body);
    if (viewer.verified) return { user: viewerUser(viewer) };
    const now = clock();
    const proven = 'code' in body ? await checkCode(viewer, body.code.trim(), now, reply) : await checkLink(viewer, body.token, now);
    if (!proven) throw new HttpError(400, ERROR_CODES.invalidCode, 'this link does not verify your email; use the code we sent, or send a new one');
    const outcome = await applyVerification(store, viewer, now, deps.mail);
    if (outcome) {
      if (outcome.mailQueued) deps.nudgeMail();
      deps.events.grantEmail(viewer.id, viewer.email);
      deps.events.publish(revealEvents(viewer.id, outcome.revealed));
    }
    return { user: { ...viewerUser(viewer), email_verified: true } };
  });

  /** True for the right code; throws the contract's answer for anything else. */
  async function checkCode(viewer: Viewer, code: string, now: number, reply: { header(name: string, value: string): unknown }): Promise<boolean> {
    const row = await store.write((tx) => tx.findEmailCode(viewer.id));
    if (row && row.attempts >= MAX_CODE_ATTEMPTS) {
      reply.header('retry-after', retryAfter(row.sentAt + RESEND_INTERVAL_MS - now));
      throw new HttpError(429, ERROR_CODES.rateLimited, 'too many wrong codes: send a new code and use that one');
    }
    if (!row || row.expiresAt <= now) throw new HttpError(400, ERROR_CODES.invalidCode, 'this code has expired: send a new code');
    if (!VERIFICATION_CODE_PATTERN.test(code)) throw new HttpError(400, ERROR_CODES.invalidCode, 'a code is the 6 digits from the message we sent');
    if (codes.matches(row, code)) return true;
    const attempts = await store.recordWrongCode(viewer.id);
    const left = MAX_CODE_ATTEMPTS - attempts;
    throw new HttpError(
      400,
      ERROR_CODES.invalidCode,
      left > 0 ? `wrong code; ${left} ${left === 1 ? 'try' : 'tries'} left` : 'wrong code; that was the last try: send a new code',
    );
  }

  async function checkLink(viewer: Viewer, token: string, now: number): Promise<boolean> {
    const hash = hashToken(token);
    const row = await store.write((tx) => tx.findEmailCode(viewer.id));
    if (row && row.linkHash === hash && row.expiresAt > now) return true;
    // An invitation link was mailed to its address: whoever signs in with that address owns it.
    const invitation = await store.findInvitationByToken(hash);
    return !!invitation && invitation.email === viewer.email && now - invitation.invitedAt < INVITE_LINK_TTL_MS;
  }

  app.post('/api/auth/verify/resend', { config }, async (request, reply) => {
    const viewer = await requireViewer(request, sessions);
    if (viewer.verified) return reply.status(202).send();
    const now = clock();
    const wait = await store.write(async (tx) => {
      const code = await tx.findEmailCode(viewer.id);
      if (code && now - code.sentAt < RESEND_INTERVAL_MS) return code.sentAt + RESEND_INTERVAL_MS - now;
      await sendCode(tx, viewer, now);
      return 0;
    });
    if (wait > 0) {
      void reply.header('retry-after', retryAfter(wait));
      throw new HttpError(429, ERROR_CODES.rateLimited, 'a new code can be sent once a minute');
    }
    deps.nudgeMail();
    return reply.status(202).send();
  });
}
