/**
 * GET /api/sync/pull and POST /api/sync/push (CONTRACT §3), limited per
 * user (at least 600 requests a minute: over it, 429 with Retry-After).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ERROR_CODES,
  PUSH_ENTRIES_MAX,
  PullQuerySchema,
  PushRequestSchema,
  NEXT_CURSOR_HEADER,
  NEXT_NOW_HEADER,
  RESTARTED_HEADER,
  REMAINING_HEADER,
  SERVER_TIME_HEADER,
} from '../../shared/protocol';
import type { TokenService } from '../auth/tokens';
import type { MailContext } from '../mail/messages';
import type { Store } from '../store/types';
import type { PublishChanges } from '../replication/events';
import type { CursorCodec } from '../replication/cursor-codec';
import { pullPage } from '../replication/pull';
import { SessionNotLiveError, applyPush } from '../replication/push';
import { countPushEntries } from '../replication/push-entries';
import { bearerToken, unauthorized, verifiedClaims } from './authenticate';
import { HttpError } from './errors';
import { parseOr400 } from './parse';

/** CONTRACT §3: no fewer than 600 requests a minute per user. */
export const SYNC_RATE_LIMIT_MIN = 600;
export const SYNC_RATE_LIMIT_DEFAULT = 1_200;

interface SyncRouteDeps {
  store: Store;
  tokens: TokenService;
  clock: () => number;
  publish: PublishChanges;
  mail: MailContext;
  nudgeMail(): void;
  /** Requests per minute per user. */
  rateLimit: number;
  /** Cursors as clients see them (opaque). */
  cursors: CursorCodec;
}

export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  // Per user, keyed by the token's subject once its signature checks out (a forged
  // token cannot spend someone else's allowance); a request without one is refused
  // anyway and is counted against its address.
  const keyGenerator = async (request: FastifyRequest) => {
    const token = bearerToken(request);
    const claims = token ? await deps.tokens.verify(token) : null;
    return claims ? `user:${claims.userId}` : `address:${request.ip}`;
  };
  const config = { rateLimit: { max: deps.rateLimit, timeWindow: '1 minute', keyGenerator } };

  app.get('/api/sync/pull', { config }, async (request, reply) => {
    // The signature here; whether the session lives, in the page's own statement.
    const claims = await verifiedClaims(request, deps.tokens);
    const query = parseOr400(PullQuerySchema, request.query);
    const session = { userId: claims.userId, sessionId: claims.sessionId, now: deps.clock() };
    const page = await pullPage(deps.store, session, query.since, query.limit, deps.cursors);
    if (!page) throw unauthorized();
    void reply.header(SERVER_TIME_HEADER, String(deps.clock()));
    if (page.more && page.remaining !== null) void reply.header(REMAINING_HEADER, String(page.remaining));
    if (page.more) void reply.header(NEXT_CURSOR_HEADER, String(page.timestamp));
    if (page.more && deps.store.kind === 'postgres') void reply.header(NEXT_NOW_HEADER, '1');
    if (page.restarted) void reply.header(RESTARTED_HEADER, '1');
    void reply.type('application/json; charset=utf-8');
    // A page of one piece (most pulls: a few changes) goes out as one string with its length,
    // in one write. A longer one is written out as it is serialized (compressed on the way when
    // the client accepts it): a page is megabytes, and as one string it would be held twice.
    const pieces = page.text();
    const first = pieces.next();
    const second = first.done ? first : pieces.next();
    if (second.done) return reply.send(first.done ? '' : first.value);
    return reply.send(Readable.from(continued([first.value, second.value], pieces), { objectMode: false }));
  });

  // The answer is small (conflicts and rejections): compressing it costs more than it saves.
  app.post('/api/sync/push', { config, compress: false }, async (request, reply) => {
    // The signature here; whether the session lives, inside the push's own transaction.
    const claims = await verifiedClaims(request, deps.tokens);
    // Counted before any schema runs: a body of a million malformed items is refused in one pass.
    const entries = countPushEntries(request.body);
    if (entries !== null && entries > PUSH_ENTRIES_MAX) {
      throw new HttpError(413, ERROR_CODES.tooLarge, `a push carries at most ${PUSH_ENTRIES_MAX} entries; send it in parts`);
    }
    const parsed = parseOr400(PushRequestSchema, request.body);
    const lastPulledAt = parsed.lastPulledAt ? deps.cursors.decode(parsed.lastPulledAt) : parsed.lastPulledAt;
    const body = { ...parsed, lastPulledAt };
    const receivedAt = deps.clock();
    const pusher = { userId: claims.userId, sessionId: claims.sessionId };
    const { response, events, mailQueued } = await applyPush(deps.store, pusher, body, receivedAt, deps.mail).catch((error: unknown) => {
      throw error instanceof SessionNotLiveError ? unauthorized() : error;
    });
    if (mailQueued) deps.nudgeMail();
    try {
      deps.publish(events);
    } catch (err) {
      // The push is committed: a real-time failure must not turn it into an error for the client.
      request.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'publish failed');
    }
    void reply.header(SERVER_TIME_HEADER, String(deps.clock()));
    return response;
  });
}

/** The pieces already taken from `rest`, then the rest of it. */
function* continued(taken: string[], rest: Iterator<string>): Generator<string> {
  yield* taken;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}
