/**
 * The server as a factory: `buildApp(deps)` returns a fastify instance that
 * never listens, with Socket.IO attached to its http server. main.ts reads the
 * environment and listens; tests listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { ErrorBody, HealthResponse } from '../shared/protocol';
import { createCodes, inviteTokenFor } from './auth/codes';
import { createSessionService } from './auth/sessions';
import { createTokenService } from './auth/tokens';
import { createCursorCodec } from './replication/cursor-codec';
import { authRoutes } from './http/auth-routes';
import { drainTooLarge, handleClientError, refuseUnknownMediaTypes } from './http/body-limits';
import { handleError, RETRY_AFTER_SECONDS, summarize, unavailableBody } from './http/errors';
import { serveStatic } from './http/static-files';
import { SYNC_RATE_LIMIT_DEFAULT, SYNC_RATE_LIMIT_MIN, syncRoutes } from './http/sync-routes';
import type { MailContext } from './mail/messages';
import { startMailSender } from './mail/sender';
import type { MailTransport } from './mail/transports';
import { attachRealtime, type AdapterFactory } from './realtime/socket-server';
import type { Store } from './store/types';
import type { ChangeEvent } from './replication/events';

/** CONTRACT §3: a request body over 5 MB gets 413. */
const BODY_LIMIT = 5 * 1024 * 1024;

export interface AppDeps {
  db: Store;
  clock: () => number;
  jwtSecret: string;
  /** A pino logger; without one the app logs nothing. */
  logger?: FastifyBaseLogger;
  /** The built PWA (dist/); missing or absent: API only. */
  staticDir?: string;
  /** Requests per minute per client address on /api/auth/* (at least 30 per CONTRACT). */
  authRateLimit?: number;
  /** Lifetime of issued session tokens (default TOKEN_TTL_SECONDS, 30 days). */
  tokenTtlSeconds?: number;
  /** Socket.IO adapter (Redis, to share events between processes). */
  socketAdapter?: AdapterFactory;
  /** Sees every event after the realtime layer sent it (tests, metrics). */
  onPublish?: (events: ChangeEvent[]) => void;
  /** Requests per minute per user on /api/sync/* (at least 600 per CONTRACT). */
  syncRateLimit?: number;
  mail: {
    transport: MailTransport;
    /** The app's address in links that mail carries (PUBLIC_URL). */
    publicUrl: string;
    /** `From:` (MAIL_FROM); default no-reply at the public host. */
    from?: string;
    /** How often the sender looks for due mail besides being nudged. */
    pollMs?: number;
    /** Delays between attempts of a message that could not be sent (default sender.ts). */
    retryDelaysMs?: readonly number[];
  };
}

/** GET /api/health with status 503: the contract's error body, plus `ok: false`. */
interface UnhealthyResponse extends ErrorBody {
  ok: false;
  db: Store['kind'];
}

/**
 * One log line per request, when it is answered, with what an access log needs (method, url,
 * status, response time, request id), instead of Fastify's two (one on arrival): under load the
 * log is a measurable share of the server's CPU, and the arrival line adds nothing the other lacks.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: { method: request.method, url: request.url }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: false,
    // Errors Node's HTTP parser answers by itself (431, 400, 408) in the contract's error shape too.
    clientErrorHandler: handleClientError,
  });
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // A 413 must reach the client as an answer: read what it still sends first (FACTS: else it sees EPIPE).
    await drainTooLarge(error, request);
    return handleError(error, request, reply);
  });
  // A body over the limit gets 413 whatever its type; one within it of a type we do not take, 415.
  refuseUnknownMediaTypes(app);

  const tokens = createTokenService(deps.jwtSecret, deps.clock, deps.tokenTtlSeconds);
  const sessions = createSessionService(deps.db, tokens, deps.clock);
  const codes = createCodes(deps.jwtSecret);
  const publicHost = new URL(deps.mail.publicUrl).hostname || 'localhost';
  const mail: MailContext = {
    links: { publicUrl: deps.mail.publicUrl },
    inviteToken: (referenceId, email) => inviteTokenFor(deps.jwtSecret, referenceId, email),
  };
  const sender = startMailSender({
    outbox: deps.db.mail,
    transport: deps.mail.transport,
    clock: deps.clock,
    logger: app.log,
    from: deps.mail.from ?? `AiDeepRef <no-reply@${publicHost}>`,
    messageIdDomain: publicHost,
    ...(deps.mail.pollMs ? { pollMs: deps.mail.pollMs } : {}),
    ...(deps.mail.retryDelaysMs ? { retryDelaysMs: deps.mail.retryDelaysMs } : {}),
  });
  app.addHook('onClose', async () => sender.stop());
  const realtime = attachRealtime(app.server, {
    store: deps.db,
    sessions,
    clock: deps.clock,
    onStoreError: (err) => app.log.warn({ err: summarize(err) }, 'socket handshake: database unavailable'),
    ...(deps.socketAdapter ? { adapter: deps.socketAdapter } : {}),
  });
  app.addHook('preClose', async () => realtime.close());
  const publish = (events: ChangeEvent[]) => {
    realtime.publish(events);
    deps.onPublish?.(events);
  };
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Sync answers are per user and per moment: no cache (HTTP or service worker) may keep them.
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
  });

  // Helmet's defaults (script-src 'self' without 'unsafe-inline', script-src-attr 'none',
  // object-src 'none', nosniff, Referrer-Policy no-referrer, …) plus: the app is never framed.
  // The built index.html has no inline script (vite-plugin-pwa injectRegister: false);
  // security-headers.test.ts checks both.
  // Built once: @fastify/helmet built helmet's middlewares (parsing the directives) anew for
  // every request, about 1.3% of a server's CPU under `npm run load`.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        // 'self' covers the same origin's ws:/wss: too (CSP Level 3): the socket goes nowhere else.
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'worker-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, next) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => next(error instanceof Error ? error : undefined));
  });
  // Keys are users and addresses: room for many before the least recent is forgotten.
  await app.register(rateLimit, { global: false, cache: 100_000 });
  // JSON answers (a pull page is megabytes) compressed for clients that accept it, as a stream
  // (chunked, no Content-Length). At the fastest levels: on a page of records brotli 1 is about
  // five times faster than the plugin's default (4) and compresses as well; gzip 1 likewise.
  // Static files arrive precompressed (at the highest levels) and are skipped.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } },
    zlibOptions: { level: 1 },
  });

  // Asks the database: a load balancer or client must not route to a process that cannot reach it.
  app.get('/api/health', async (request, reply): Promise<HealthResponse | UnhealthyResponse> => {
    try {
      await deps.db.ping();
    } catch (err) {
      request.log.warn({ err: summarize(err as Error) }, 'health: database unavailable');
      void reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS));
      return { ok: false, db: deps.db.kind, ...unavailableBody() };
    }
    return { ok: true, db: deps.db.kind };
  });
  authRoutes(app, {
    store: deps.db,
    sessions,
    codes,
    clock: deps.clock,
    rateLimit: deps.authRateLimit ?? 300,
    mail,
    nudgeMail: () => sender.nudge(),
    events: {
      publish,
      grantEmail: (userId, email) => realtime.grantEmail(userId, email),
      endSession: (id) => realtime.endSession(id),
      endUser: (id) => realtime.endUser(id),
    },
  });
  syncRoutes(app, {
    store: deps.db,
    tokens,
    clock: deps.clock,
    publish,
    mail,
    nudgeMail: () => sender.nudge(),
    rateLimit: Math.max(SYNC_RATE_LIMIT_MIN, deps.syncRateLimit ?? SYNC_RATE_LIMIT_DEFAULT),
    cursors: createCursorCodec(deps.jwtSecret),
  });
  await serveStatic(app, deps.staticDir);
  return app;
}
