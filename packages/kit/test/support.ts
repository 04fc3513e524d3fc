/** What the kit's integration tests share: a service configuration on the local stack under a namespace, and a small store of notes. */
import { outboxSchemaFields, type OutboxRecord, type OutboxStore } from '@repo/bus';
import { Schema } from '@repo/db';
import { aborted } from '@repo/errors';
import { HealthService } from '@repo/proto/grpc/health/v1';
import { stackEnv } from '@repo/testbed';
import { placementSchemaFields, type KitConfig, type ModuleContext } from '../src';

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

/** A test service's record: a titled note with its outbox, placed in the tree when `placed`. */
export interface Note extends OutboxRecord {
  title: string;
  orgPath?: string;
  orgScopes?: string[];
}

/** The notes collection registered with the service's outboxes (placed: with organisation path fields). */
export function registerNotes({ connection, outboxes }: Pick<ModuleContext, 'connection' | 'outboxes'>, placed = false): OutboxStore<Note> {
  const schema = new Schema(
    { _id: String, title: String, revision: Number, ...(placed ? placementSchemaFields : {}), ...outboxSchemaFields },
    { collection: 'notes', versionKey: false },
  );
  return outboxes.register(connection.model<Note>('Note', schema), {
    conflict: (id) => aborted('NOTE_CONFLICT', `note ${id} changed`),
  });
}

/** A one-method gRPC service of a test's own at `service`, on the health messages. */
export const probeDefinition = <S extends string>(service: S) => ({
  check: { ...HealthService.check, path: `/${service}/Check` as `/${S}/Check` },
});
