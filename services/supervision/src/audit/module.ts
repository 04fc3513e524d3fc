/**
 * The audit log as a module of the service: its stores, the sequencer and the ingest of every
 * stream (on the replica that holds the sequencer lease), the witness, and the gRPC service.
 */
import type { Connection } from '@repo/db';
import type { ModuleContext, ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { platformServices } from '@repo/platform';
import type { SupervisionConfig } from '../config';
import { TreeHasher } from '../domain/merkle';
import { NoteSigner, originOf, signatureTypes } from '../domain/note';
import { auditService } from '../grpc/audit';
import { AuditAccessRepository } from '../store/audit-accesses';
import { CheckpointStore } from '../store/audit-checkpoints';
import { AuditTreeStore } from '../store/audit-tree';
import { SequencerLease } from '../store/sequencer-lease';
import { storedSigningKey } from '../store/signing-keys';
import { WitnessStore } from '../store/witness';
import { AuditIngest } from './ingest';
import { Sequencer } from './sequencer';
import { TreeReader } from './tree-reader';
import { AuditUseCases } from './use-cases';
import { Witness } from './witness';

/** Every domain of the platform's list, this service's own included: a new service is logged without an edit here. */
export const loggedDomains = platformServices.map((service) => service.name);

export interface AuditFeature {
  module: ServiceModule;
  useCases: AuditUseCases;
  sequencer: Sequencer;
  witness: Witness;
  tree: AuditTreeStore;
  checkpoints: CheckpointStore;
  lease: SequencerLease;
  witnessStore: WitnessStore;
  logSigner: NoteSigner;
  witnessSigner: NoteSigner;
}

async function keyOf(
  connection: Connection,
  given: string | undefined,
  which: 'log' | 'witness',
  variable: string,
  logger: Logger,
): Promise<string> {
  if (given) return given;
  logger.warn(
    { variable },
    `${variable} is not set: signing with a key kept in the store (development only; give it from a Secret in production)`,
  );
  return storedSigningKey(connection, which);
}

export async function auditFeature({ connection, bus, outboxes, logger }: ModuleContext, config: SupervisionConfig): Promise<AuditFeature> {
  const hasher = new TreeHasher(config.AUDIT_LOG_HASH);
  const origin = originOf(config.AUDIT_LOG_NAME, config.AUDIT_LOG_HASH);
  const logSigner = new NoteSigner(
    origin,
    await keyOf(connection, config.AUDIT_LOG_SIGNING_KEY, 'log', 'AUDIT_LOG_SIGNING_KEY', logger),
    signatureTypes.ed25519,
  );
  const witnessSigner = new NoteSigner(
    config.AUDIT_WITNESS_NAME,
    await keyOf(connection, config.AUDIT_WITNESS_KEY, 'witness', 'AUDIT_WITNESS_KEY', logger),
    signatureTypes.cosignatureV1,
  );
  const tree = new AuditTreeStore(connection);
  const checkpoints = new CheckpointStore(connection);
  await tree.ensureIndexes();
  await checkpoints.ensureIndexes();
  const reader = new TreeReader(tree, hasher);
  const sequencer = new Sequencer(tree, checkpoints, reader, logSigner, hasher, logger, {
    checkpointIntervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS,
  });
  const lease = new SequencerLease(connection, config.AUDIT_SEQUENCER_LEASE_MS);
  const ingest = new AuditIngest(bus, loggedDomains, sequencer, () => lease.held, logger);
  const witnessStore = new WitnessStore(connection, outboxes);
  const witness = new Witness(
    witnessStore,
    witnessSigner,
    logSigner.verifier,
    hasher,
    {
      latestCheckpoint: async () => (await checkpoints.latestSigned())?.note,
      consistency: (first, second) => reader.consistency(first, second),
      addCosignature: (size, line) => checkpoints.addCosignature(size, line),
    },
    logger,
  );
  const useCases = new AuditUseCases(
    tree,
    checkpoints,
    reader,
    new AuditAccessRepository(connection, outboxes),
    { origin, log: logSigner.verifier, witness: witnessSigner.verifier },
    hasher,
  );
  const duties = new SequencerDuties(lease, sequencer, witness, config, logger);

  return {
    module: {
      grpc: [auditService(useCases)],
      async start() {
        await ingest.start();
        duties.start();
      },
      async stop() {
        await duties.stop();
        await ingest.stop();
        // Still the holder: store the tree and sign what was appended, so the next holder starts from a stored head.
        if (lease.held) await sequencer.flush().catch((err: unknown) => logger.warn({ err }, 'audit log: the last checkpoint failed'));
        await sequencer.stop();
        await lease.release();
      },
    },
    useCases,
    sequencer,
    witness,
    tree,
    checkpoints,
    lease,
    witnessStore,
    logSigner,
    witnessSigner,
  };
}

/** What the replica holding the lease does besides appending: renew the lease, and let the witness look. */
class SequencerDuties {
  private timers: NodeJS.Timeout[] = [];
  private renewing: Promise<void> | undefined;
  private observing: Promise<void> | undefined;

  constructor(
    private readonly lease: SequencerLease,
    private readonly sequencer: Sequencer,
    private readonly witness: Witness,
    private readonly config: SupervisionConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const renew = () => {
      this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    };
    const observe = () => {
      if (this.lease.held) this.observing ??= this.observe().finally(() => (this.observing = undefined));
    };
    this.timers = [
      setInterval(renew, Math.floor(this.config.AUDIT_SEQUENCER_LEASE_MS / 3)),
      setInterval(observe, this.config.AUDIT_WITNESS_INTERVAL_MS),
    ];
    for (const timer of this.timers) timer.unref();
    renew();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([this.renewing, this.observing]);
  }

  private async renew(): Promise<void> {
    const held = this.lease.held;
    try {
      const holds = await this.lease.tick();
      if (holds && !held) {
        this.logger.info('audit log: this replica appends now');
        this.sequencer.resume();
      }
      if (!holds && held) {
        this.logger.warn('audit log: another replica took over appending');
        await this.sequencer.stop();
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'audit log: renewing the sequencer lease failed');
    }
  }

  private async observe(): Promise<void> {
    try {
      await this.witness.observe();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'audit log: the witness could not look at the latest checkpoint');
    }
  }
}
