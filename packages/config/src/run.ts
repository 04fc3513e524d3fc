import { ConfigError } from './errors';

/** What a started process hands back: how to stop it gracefully. */
export type Stop = (signal: string) => Promise<void>;

/**
 * The life of a service process: validate configuration (a bad value exits 2 naming the
 * variable), start (a failure exits 1), and on SIGTERM or SIGINT stop once, then exit 0.
 */
export function runService<C>(name: string, load: () => C, start: (config: C) => Promise<Stop>): void {
  let config: C;
  try {
    config = load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  start(config).then(
    (stop) => {
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) return;
        stopping = true;
        stop(signal).then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`${name}: error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    },
    (err: unknown) => {
      process.stderr.write(`${name}: failed to start: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
