/**
 * Organisation relation transfers 组织关系转接: each transfer is one document carrying its
 * history and its pending events (outbox). Steps are revision- and status-checked updates, so
 * two replicas (or a handler and the expiry job) never both apply a step to one transfer.
 */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type NewEvent, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted, failedPrecondition, notFound } from '@repo/errors';
import { under, type PathHolder } from '@repo/kit';
import { expireIfDue, finalStatuses, outstandingStatuses, type OrganizationTransfer, type TransferStatus } from '../domain/transfer';
import { transferEvents } from '../events/types';

export interface Transfer extends OrganizationTransfer {
  id: string;
  /** The member's name when the transfer started, for lists on either side. */
  memberName: string;
  /** Why the member moves (工作调动, 升学 ...), as given when initiating. */
  reason: string;
  createdBy: string;
  updatedAt: string;
  revision: number;
}

interface TransferRecord extends Omit<Transfer, 'id'> {
  _id: string;
  /**
   * The member id while the transfer is open (not completed, rejected or expired), and
   * `closed:<transfer id>` after: a unique index on it keeps one open transfer per member,
   * across replicas, without the partial indexes FerretDB v1 lacks.
   */
  openKey: string;
}

const transferSchema = new Schema(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    memberName: { type: String, default: '' },
    fromOrgId: { type: String, required: true },
    fromOrgPath: { type: String, required: true },
    toOrgId: { type: String, required: true },
    toOrgPath: { type: String, required: true },
    status: { type: String, required: true },
    initiatedAt: { type: String, required: true },
    expiresAt: { type: String, required: true },
    history: { type: [Schema.Types.Mixed], default: [] },
    reason: { type: String, default: '' },
    createdBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
    revision: { type: Number, required: true },
    openKey: { type: String, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'transfers', versionKey: false, strict: 'throw', minimize: false },
);
transferSchema.index({ openKey: 1 }, { unique: true });
transferSchema.index({ fromOrgPath: 1 });
transferSchema.index({ toOrgPath: 1 });
transferSchema.index({ status: 1, expiresAt: 1 });

const closedKey = (id: string) => `closed:${id}`;

function toTransfer(record: TransferRecord): Transfer {
  const { _id, openKey: _open, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
}

const alreadyOpen = (memberId: string) =>
  failedPrecondition('TRANSFER_ALREADY_OPEN', `member ${memberId} already has an open transfer; finish or reject it first`, { memberId });

/** The event of the last step of `transfer`: received and completed belong to the target side. */
function stepEvent(transfer: Transfer): NewEvent {
  const step = transfer.history[transfer.history.length - 1]!;
  const targetSide = step.action === 'receive' || step.action === 'complete';
  return {
    type: transferEvents[step.action],
    actor: step.actor,
    orgPath: targetSide ? transfer.toOrgPath : transfer.fromOrgPath,
    subjectId: transfer.id,
    data: {
      memberId: transfer.memberId,
      fromOrganizationId: transfer.fromOrgId,
      fromOrgPath: transfer.fromOrgPath,
      toOrganizationId: transfer.toOrgId,
      toOrgPath: transfer.toOrgPath,
      from: step.from,
      status: step.to,
      reason: step.reason,
      expiresAt: transfer.expiresAt,
    },
  };
}

export interface TransferFilter {
  /** Transfers out of or into this subtree. */
  scope: string;
  status?: TransferStatus;
}

export class TransferRepository {
  readonly store: OutboxStore<TransferRecord>;
  /** Both ends of a transfer follow a subtree move, each on its own. */
  readonly paths: PathHolder;

  constructor(connection: Connection, outboxes: Outboxes) {
    const model = connection.model<TransferRecord>('Transfer', transferSchema);
    this.store = outboxes.register(model, {
      conflict: (id) => aborted('TRANSFER_REVISION_CONFLICT', `transfer ${id} was changed by someone else; reload and retry`, { id }),
    });
    this.paths = { name: 'transfers', store: this.store, pathFields: ['fromOrgPath', 'toOrgPath'] };
  }

  async create(transfer: OrganizationTransfer, extra: { memberName: string; reason: string; createdBy: string }): Promise<Transfer> {
    // The unique index must exist before the first insert relies on it.
    await this.store.model.init();
    if (await this.store.model.exists({ openKey: transfer.memberId })) throw alreadyOpen(transfer.memberId);
    const record: TransferRecord = {
      _id: randomUUID(),
      ...transfer,
      ...extra,
      updatedAt: transfer.initiatedAt,
      revision: 1,
      openKey: transfer.memberId,
    };
    const created = toTransfer(record);
    try {
      await this.store.insert(record, [stepEvent(created)]);
    } catch (err) {
      // Two initiations at once: the index lets one through.
      if (isDuplicateKey(err)) throw alreadyOpen(transfer.memberId);
      throw err;
    }
    return created;
  }

  async find(id: string): Promise<Transfer | null> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<TransferRecord>().exec();
    return record ? toTransfer(record) : null;
  }

  async get(id: string): Promise<Transfer> {
    const transfer = await this.find(id);
    if (!transfer) throw notFound('TRANSFER_NOT_FOUND', `transfer ${id} not found`, { id });
    return transfer;
  }

  async list(filter: TransferFilter, page: number, size: number): Promise<Page<Transfer>> {
    const query: Record<string, unknown> = { $or: [{ fromOrgPath: under(filter.scope) }, { toOrgPath: under(filter.scope) }] };
    if (filter.status) query.status = filter.status;
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, withoutOutboxFields)
        .sort({ initiatedAt: -1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<TransferRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map(toTransfer), total };
  }

  /**
   * Saves the next state of `current` (one more step in its history) with that step's event,
   * if nobody changed the transfer meanwhile; otherwise TRANSFER_REVISION_CONFLICT.
   */
  async recordStep(current: Transfer, next: OrganizationTransfer): Promise<Transfer> {
    const updatedAt = next.history[next.history.length - 1]?.at ?? new Date().toISOString();
    const $set: Record<string, unknown> = { status: next.status, history: next.history, updatedAt };
    if (finalStatuses.includes(next.status)) $set.openKey = closedKey(current.id);
    const saved = { ...current, status: next.status, history: next.history, updatedAt, revision: current.revision + 1 };
    const record = await this.store.saveIf(current.id, current.revision, { status: current.status }, { $set }, [stepEvent(saved)]);
    return toTransfer(record);
  }

  /**
   * Marks every outstanding transfer whose letter ran out by `now` as expired, each with its
   * event. Each write is conditional on the status and revision it read, so a second runner
   * (a lease that lapsed mid-run, a replica with a slow clock) expires nothing twice.
   */
  async expireDue(now: Date, batchSize = 200): Promise<number> {
    const at = now.toISOString();
    let expired = 0;
    let after = '';
    for (;;) {
      const records = await this.store.model
        .find({ status: { $in: [...outstandingStatuses] }, expiresAt: { $lte: at }, _id: { $gt: after } }, withoutOutboxFields)
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean<TransferRecord[]>()
        .exec();
      if (records.length === 0) return expired;
      for (const record of records) {
        const current = toTransfer(record);
        const next = expireIfDue(current, at);
        if (next === current) continue;
        const saved = { ...current, status: next.status, history: next.history, updatedAt: at, revision: current.revision + 1 };
        const updated = await this.store.tryUpdate(
          { _id: current.id, revision: current.revision, status: current.status },
          {
            $set: {
              status: next.status,
              history: next.history,
              updatedAt: at,
              openKey: closedKey(current.id),
              revision: current.revision + 1,
            },
          },
          [stepEvent(saved)],
          current.id,
        );
        if (updated) expired++;
      }
      after = records[records.length - 1]!._id;
    }
  }

  /** Received transfers last changed at or before `before`: a crash left them uncompleted. */
  async receivedBefore(before: Date, limit = 200): Promise<Transfer[]> {
    const records = await this.store.model
      .find({ status: 'received', updatedAt: { $lte: before.toISOString() } }, withoutOutboxFields)
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean<TransferRecord[]>()
      .exec();
    return records.map(toTransfer);
  }
}
