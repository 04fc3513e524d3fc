/**
 * Reads and exports of the audit log, each a record with its event (supervision.audit.read,
 * supervision.audit.exported), which the log then takes in like any other: who looked at the
 * record is on the record.
 */
import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, type OutboxRecord, type Outboxes, type OutboxStore } from '@repo/bus';
import { Schema, type Connection } from '@repo/db';
import { aborted } from '@repo/errors';
import { auditEvents } from '../events/catalogue';

interface AccessRecord extends OutboxRecord {
  actor: string;
  orgPath: string;
  kind: 'read' | 'exported';
  /** What was asked for (filters, an index, a range). */
  request: Record<string, unknown>;
  /** How many entries the answer held. */
  entries: number;
  at: string;
}

const accessSchema = new Schema(
  {
    _id: { type: String, required: true },
    actor: { type: String, required: true },
    orgPath: { type: String, default: '' },
    kind: { type: String, required: true },
    request: { type: Schema.Types.Mixed, default: {} },
    entries: { type: Number, required: true },
    at: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'auditAccesses', versionKey: false, minimize: false },
);

export class AuditAccessRepository {
  private readonly store: OutboxStore<AccessRecord>;

  constructor(connection: Connection, outboxes: Outboxes) {
    const conflict = (id: string) => aborted('AUDIT_ACCESS_CONFLICT', `audit access ${id} changed`, { id });
    this.store = outboxes.register(connection.model<AccessRecord>('AuditAccess', accessSchema), { conflict });
  }

  async record(
    caller: { userId: string; orgPath: string },
    kind: AccessRecord['kind'],
    request: Record<string, unknown>,
    entries: number,
  ): Promise<void> {
    const record = {
      _id: randomUUID(),
      actor: caller.userId,
      orgPath: caller.orgPath,
      kind,
      request,
      entries,
      at: new Date().toISOString(),
      revision: 1,
    };
    await this.store.insert(record, [
      { type: auditEvents[kind], actor: caller.userId, orgPath: caller.orgPath, subjectId: record._id, data: { request, entries } },
    ]);
  }
}
