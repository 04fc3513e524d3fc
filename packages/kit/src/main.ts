import { runService } from '@repo/config';
import { createLogger, type Logger } from '@repo/logging';

export interface Runnable {
  start(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A service's main.ts: validate the configuration (a bad variable exits naming it), build the
 * app, listen, and stop gracefully on SIGTERM or SIGINT. Telemetry is loaded before this, with
 * `--require @repo/telemetry/register`.
 */
export function serve<C extends { LOG_LEVEL: string }>(
  name: string,
  load: () => C,
  build: (config: C, logger: Logger) => Promise<Runnable>,
): void {
  runService(name, load, async (config) => {
    const logger = createLogger(name, config.LOG_LEVEL);
    const app = await build(config, logger);
    const port = await app.start();
    logger.info({ port }, `${name} service listening`);
    return async (signal) => {
      logger.info({ signal }, 'shutting down');
      await app.stop();
    };
  });
}
