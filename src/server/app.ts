/**
 * The server as a factory: `buildApp(deps)` returns a fastify instance that
 * never listens, with Socket.IO attached to its http server. main.ts reads the
 * environment and listens; tests listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { HealthResponse } from '../shared/protocol';
import { createTokenService } from './auth/tokens';
import { authRoutes } from './http/auth-routes';
import { handleError } from './http/errors';
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
  /** Socket.IO adapter (Redis, to share events between processes). */
  socketAdapter?: AdapterFactory;
  /** Sees every event after the realtime layer sent it (tests, metrics). */
  onPublish?: (events: ChangeEvent[]) => void;
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

  const tokens = createTokenService(deps.jwtSecret, deps.clock);
  const realtime = attachRealtime(app.server, {
    store: deps.db,
    tokens,
    ...(deps.socketAdapter ? { adapter: deps.socketAdapter } : {}),
  });
  app.addHook('preClose', async () => realtime.close());
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Sync answers are per user and per moment: no cache (HTTP or service worker) may keep them.
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'img-src': ["'self'", 'data:', 'blob:'],
        'worker-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, { global: false });

  app.get('/api/health', async (): Promise<HealthResponse> => ({ ok: true, db: deps.db.kind }));
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
