import { runService } from '@repo/config';
import { createLogger } from '@repo/logging';
import { buildMemberApp } from './app';
import { loadMemberConfig } from './config';

runService('member', () => loadMemberConfig(), async (config) => {
  const logger = createLogger('member', config.LOG_LEVEL);
  const app = await buildMemberApp(config, logger);
  const port = await app.start();
  logger.info({ addr: config.MEMBER_GRPC_ADDR, port }, 'member service listening');
  return async (signal) => {
    logger.info({ signal }, 'shutting down');
    await app.stop();
  };
});
