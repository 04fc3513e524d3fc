/** What the kit's integration tests share: a service configuration on the local stack under a namespace. */
import { stackEnv } from '@repo/testbed';
import type { KitConfig } from '../src';

/** The kit configuration of a test service under `namespace`: fast outbox sweeps, jobs only when asked. */
export function testKitConfig(namespace: string): KitConfig {
  const env = stackEnv(namespace);
  return {
    MONGO_URL: env.MONGO_URL!,
    NATS_URL: env.NATS_URL!,
    BUS_NAMESPACE: namespace,
    OUTBOX_SWEEP_MS: 200,
    JOB_INTERVAL_MS: 60_000,
    CALLER_VERIFY_KEYS: [env.CALLER_VERIFY_KEYS!],
  };
}
