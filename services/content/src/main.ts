import { ConfigError } from '@repo/config';
import { createLogger } from '@repo/logging';
import { buildContentApp } from './app';
import { loadContentConfig } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadContentConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`content: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger('content', config.LOG_LEVEL);
  const app = await buildContentApp(config, logger);
  const port = await app.start();
  logger.info({ addr: config.CONTENT_GRPC_ADDR, port }, 'content service listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`content: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
