/**
 * Starts the server from its settings: store, Redis adapter, mail
 * transport, buildApp, listen. main.ts is this plus the environment and
 * signals; a test fixture may give it another clock.
 */
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import { buildApp } from './app';
import type { ServerConfig } from './config';
import type { createLogger } from './logger';
import { createFileTransport, createSmtpTransport } from './mail/transports';
import type { AdapterFactory } from './realtime/socket-server';
import { openStore } from './store/open-store';
import { codedCause } from './store/unavailable';

type Logger = ReturnType<typeof createLogger>;

async function redisAdapter(url: string, logger: Logger): Promise<{ adapter: AdapterFactory; close: () => Promise<void> }> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // Without a listener a Redis hiccup is an unhandled 'error' event and kills the process;
  // the clients reconnect by themselves, events meanwhile reach local sockets only.
  for (const client of [pub, sub]) client.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub),
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

/** What a log may say of a retried write: the driver's message and code, never the statement and its parameters. */
function retryReason(err: unknown): { message: string; code?: string } {
  const coded = codedCause(err);
  if (coded) return { message: coded.message, code: coded.code };
  return { message: err instanceof Error ? err.message : String(err) };
}

interface RunningServer {
  app: FastifyInstance;
  port: number;
  /** Closes the app, Redis and the database, in that order. */
  close(): Promise<void>;
}

export async function runServer(config: ServerConfig, logger: Logger, options: { clock?: () => number } = {}): Promise<RunningServer> {
  // Rare by design (writers lock in one order): each one is worth a line.
  const onRetry = (err: unknown, attempt: number) => logger.warn({ err: retryReason(err), attempt }, 'writing transaction run again');
  const db = config.databaseUrl
    ? await openStore({
        kind: 'postgres',
        url: config.databaseUrl,
        onRetry,
        onConnectionError: (err) => logger.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'database connection lost'),
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        ...(config.databasePoolSize ? { poolSize: config.databasePoolSize } : {}),
      })
    : await openStore({ kind: 'pglite', dataDir: join(config.dataDir, 'pglite'), onRetry });
  const redis = config.redisUrl ? await redisAdapter(config.redisUrl, logger) : null;
  const transport = config.smtpUrl ? createSmtpTransport(config.smtpUrl) : createFileTransport(config.mailDir);
  logger.info(
    { mail: transport.kind, to: transport.target },
    transport.kind === 'smtp' ? 'mail goes out over SMTP' : 'no SMTP_URL: mail is written as .eml files to this folder',
  );

  const app = await buildApp({
    db,
    clock: options.clock ?? (() => Date.now()),
    logger,
    jwtSecret: config.jwtSecret,
    staticDir: config.staticDir,
    ...(config.authRateLimit ? { authRateLimit: config.authRateLimit } : {}),
    ...(config.tokenTtlSeconds ? { tokenTtlSeconds: config.tokenTtlSeconds } : {}),
    ...(config.syncRateLimit ? { syncRateLimit: config.syncRateLimit } : {}),
    mail: { transport, publicUrl: config.publicUrl, ...(config.mailFrom ? { from: config.mailFrom } : {}) },
    ...(redis ? { socketAdapter: redis.adapter } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Tests spawning this process read the port (PORT=0) from this line.
  logger.info({ db: db.kind, redis: Boolean(redis), port }, 'server ready');
  return {
    app,
    port,
    async close() {
      await app.close();
      await redis?.close();
      await db.close();
    },
  };
}
