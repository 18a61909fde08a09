/**
 * The server as a factory: `buildApp(deps)` returns a fastify instance that
 * never listens, with Socket.IO attached to its http server. main.ts reads the
 * environment and listens; tests listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { ErrorBody, HealthResponse } from '../shared/protocol';
import { createTokenService } from './auth/tokens';
import { authRoutes } from './http/auth-routes';
import { handleError, RETRY_AFTER_SECONDS, summarize, unavailableBody } from './http/errors';
import { serveStatic } from './http/static-files';
import { syncRoutes } from './http/sync-routes';
import { attachRealtime, type AdapterFactory } from './realtime/socket-server';
import type { Store } from './store/types';
import type { ChangeEvent } from './replication/events';

/** CONTRACT §3: a request body over 5 MB gets 413. */
export const BODY_LIMIT = 5 * 1024 * 1024;

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
}

/** GET /api/health with status 503: the contract's error body, plus `ok: false`. */
export interface UnhealthyResponse extends ErrorBody {
  ok: false;
  db: Store['kind'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: false,
  });
  app.setErrorHandler(handleError);

  const tokens = createTokenService(deps.jwtSecret, deps.clock, deps.tokenTtlSeconds);
  const realtime = attachRealtime(app.server, {
    store: deps.db,
    tokens,
    onStoreError: (err) => app.log.warn({ err: summarize(err) }, 'socket handshake: database unavailable'),
    ...(deps.socketAdapter ? { adapter: deps.socketAdapter } : {}),
  });
  app.addHook('preClose', async () => realtime.close());
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Sync answers are per user and per moment: no cache (HTTP or service worker) may keep them.
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
  });

  // Helmet's defaults (script-src 'self' without 'unsafe-inline', script-src-attr 'none',
  // object-src 'none', nosniff, Referrer-Policy no-referrer, …) plus: the app is never framed.
  // The built index.html has no inline script (vite-plugin-pwa injectRegister: false);
  // security-headers.test.ts checks both.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'img-src': ["'self'", 'data:', 'blob:'],
        'worker-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, { global: false });
  // JSON answers (a pull page is megabytes) compressed for clients that accept it. Brotli at
  // quality 4 (the plugin's default) costs about what gzip does; large bodies are compressed
  // as a stream (chunked, no Content-Length). Static files arrive precompressed and are skipped.
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });

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
  authRoutes(app, { store: deps.db, tokens, clock: deps.clock, rateLimit: deps.authRateLimit ?? 300 });
  syncRoutes(app, {
    store: deps.db,
    tokens,
    clock: deps.clock,
    publish: (events) => {
      realtime.publish(events);
      deps.onPublish?.(events);
    },
  });
  await serveStatic(app, deps.staticDir);
  return app;
}
