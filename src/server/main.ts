/**
 * Process entry: reads the environment, opens the store, attaches Socket.IO
 * (with the Redis adapter when REDIS_URL is set) and listens.
 */
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { buildApp } from './app';
import { readConfig } from './config';
import { createLogger } from './logger';
import type { AdapterFactory } from './realtime/socket-server';
import { openStore } from './store/open-store';

async function redisAdapter(url: string): Promise<{ adapter: AdapterFactory; close: () => Promise<void> }> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub),
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const db = config.databaseUrl
    ? await openStore({
        kind: 'postgres',
        url: config.databaseUrl,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      })
    : await openStore({ kind: 'pglite', dataDir: join(config.dataDir, 'pglite') });
  const redis = config.redisUrl ? await redisAdapter(config.redisUrl) : null;

  const app = await buildApp({
    db,
    clock: () => Date.now(),
    logger,
    jwtSecret: config.jwtSecret,
    staticDir: config.staticDir,
    ...(config.authRateLimit ? { authRateLimit: config.authRateLimit } : {}),
    ...(redis ? { socketAdapter: redis.adapter } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Tests spawning this process read the port (PORT=0) from this line.
  logger.info({ db: db.kind, redis: Boolean(redis), port }, 'server ready');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await redis?.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('server failed to start', error);
  process.exit(1);
});
