import { runService } from '@repo/config';
import { createLogger } from '@repo/logging';
import { buildGateway } from './app';
import { loadConfig } from './config';

runService(
  'gateway',
  () => loadConfig(),
  async (config) => {
    const logger = createLogger('gateway', config.LOG_LEVEL);
    const { app } = await buildGateway(config, logger);
    await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
    return async (signal) => {
      logger.info({ signal }, 'shutting down');
      await app.close();
    };
  },
);
