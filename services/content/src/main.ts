import { runService } from '@repo/config';
import { createLogger } from '@repo/logging';
import { buildContentApp } from './app';
import { loadContentConfig } from './config';

runService('content', () => loadContentConfig(), async (config) => {
  const logger = createLogger('content', config.LOG_LEVEL);
  const app = await buildContentApp(config, logger);
  const port = await app.start();
  logger.info({ addr: config.CONTENT_GRPC_ADDR, port }, 'content service listening');
  return async (signal) => {
    logger.info({ signal }, 'shutting down');
    await app.stop();
  };
});
