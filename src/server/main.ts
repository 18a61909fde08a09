/** Process entry: reads the environment, runs the server (run.ts) and closes it on a signal. */
import { readConfig } from './config';
import { createLogger } from './logger';
import { runServer } from './run';

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const server = await runServer(config, logger);

  // The Redis adapter publishes without awaiting: a Redis outage must cost
  // real-time events, not the process (data is safe in the database and pulls).
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: { message: reason instanceof Error ? reason.message : String(reason) } }, 'unhandled rejection');
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('server failed to start', error);
  process.exit(1);
});
