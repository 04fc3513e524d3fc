/**
 * Party dues bills 党费: one bill per member per month, its payments, and the arrears-warning
 * marker. Every amount is integer fen. A bill and the events about it are written in one
 * document update, so no event is lost or published for a write that did not happen.
 */
import { randomUUID } from 'node:crypto';
import { isYearMonth } from '@repo/calendar';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type NewEvent, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted } from '@repo/errors';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import { paidUpTo, type DuesBill, type DuesCategory } from '../domain/dues';
import { duesEvents } from '../events/types';

export interface Payment {
  /** The payment's own reference (the bank's); a bill records each reference once. */
  reference: string;
  amountFen: number;
  at: string;
  actor: string;
}

export interface Bill {
  id: string;
  memberId: string;
  /** The member's name when billed, so lists need no second read. */
  memberName: string;
  organizationId: string;
  orgPath: string;
  /** YYYY-MM. */
  month: string;
  amountFen: number;
  paidFen: number;
  /** amountFen - paidFen, kept with every write: "unpaid" is then a plain indexed condition. */
  owedFen: number;
  category: DuesCategory;
  /** The monthly income the rate was applied to (0 for flat-rate and exempt members). */
  basisFen: number;
  payments: Payment[];
  /** When the six-month arrears warning covering this bill was raised; '' when not. */
  arrearsWarnedAt: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  /** The billing run that created the bill ('' for bills created before runs). */
  runId: string;
  revision: number;
}

interface BillRecord extends Omit<Bill, 'id'> {
  _id: string;
  /** Every scope the bill is listed in (placedAt). */
  orgScopes: string[];
}

const billSchema = new Schema(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    memberName: { type: String, required: true },
    organizationId: { type: String, required: true },
    ...placementSchemaFields,
    month: { type: String, required: true },
    amountFen: { type: Number, required: true },
    paidFen: { type: Number, required: true },
    owedFen: { type: Number, required: true },
    category: { type: String, required: true },
    basisFen: { type: Number, required: true },
    payments: { type: [Schema.Types.Mixed], default: [] },
    arrearsWarnedAt: { type: String, default: '' },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    runId: { type: String, default: '' },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'duesBills', versionKey: false, strict: 'throw', minimize: false },
);
// One bill per member per month: running the monthly billing twice (or on two replicas at once)
// cannot bill anybody twice. It also serves "this member's bills" and the per-batch $in lookup.
billSchema.index({ memberId: 1, month: 1 }, { unique: true });
billSchema.index({ orgScopes: 1, month: 1 });
billSchema.index({ month: 1, owedFen: 1 });

function toBill(record: BillRecord): Bill {
  const { _id, orgScopes: _scopes, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest, payments: rest.payments ?? [], arrearsWarnedAt: rest.arrearsWarnedAt ?? '', runId: rest.runId ?? '' };
}

export type NewBill = Pick<
  Bill,
  'memberId' | 'memberName' | 'organizationId' | 'orgPath' | 'month' | 'amountFen' | 'category' | 'basisFen'
>;

export interface BillFilter {
  scope: string;
  month?: string;
  memberId?: string;
  unpaidOnly?: boolean;
}

/** A member's unpaid bills up to a month, oldest first (what arrears are judged on). */
export interface UnpaidBills {
  memberId: string;
  bills: Bill[];
}

export class BillRepository {
  readonly store: OutboxStore<BillRecord>;
  /** Bills are listed by scope (orgScopes), so they follow their branch when a subtree moves. */
  readonly paths: PathHolder;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<BillRecord>('DuesBill', billSchema), {
      conflict: (id) => aborted('DUES_BILL_REVISION_CONFLICT', `bill ${id} was changed by someone else; retry`, { id }),
    });
    this.paths = { name: 'duesBills', store: this.store, pathFields: ['orgPath'], scopesField: 'orgScopes' };
  }

  /** memberId -> amount and run of every bill of `month` in a subtree: one query for a whole run. */
  async existingUnder(month: string, path: string): Promise<Map<string, { amountFen: number; runId: string }>> {
    const found = new Map<string, { amountFen: number; runId: string }>();
    type Row = Pick<BillRecord, 'memberId' | 'amountFen' | 'runId'>;
    const cursor = this.store.model
      .find({ month, ...within(path) }, { memberId: 1, amountFen: 1, runId: 1 })
      .lean<Row[]>()
      .cursor({ batchSize: 5_000 });
    for await (const r of cursor as AsyncIterable<Row>) found.set(r.memberId, { amountFen: r.amountFen, runId: r.runId ?? '' });
    return found;
  }

  /** memberId -> amountFen of the bills of `month` these members already have. */
  async existing(month: string, memberIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (memberIds.length === 0) return found;
    const records = await this.store.model
      .find({ month, memberId: { $in: memberIds } }, { memberId: 1, amountFen: 1 })
      .lean<Pick<BillRecord, 'memberId' | 'amountFen'>[]>()
      .exec();
    for (const r of records) found.set(r.memberId, r.amountFen);
    return found;
  }

  /**
   * Inserts one batch of bills of one month, each with its `billed` event. A bill that appeared
   * meanwhile (a second run racing this one) is skipped, not doubled: the unique index refuses
   * it, and the rest are inserted again. Answers the bills this call created.
   */
  async createMany(inputs: NewBill[], actor: string, runId = ''): Promise<Bill[]> {
    const now = new Date().toISOString();
    let pending: BillRecord[] = inputs.map((input) => ({
      _id: randomUUID(),
      ...input,
      ...placedAt(input.orgPath),
      paidFen: 0,
      owedFen: input.amountFen,
      payments: [],
      arrearsWarnedAt: '',
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
      runId,
      revision: 1,
    }));
    const created: BillRecord[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await this.store.insertMany(pending.map((record) => ({ record, events: [billedEvent(record)] })));
        created.push(...pending);
        break;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 5) throw err;
        // An ordered insert stops at the first duplicate: keep what went in, drop what somebody
        // else billed, and try the rest again.
        const ids = pending.map((r) => r._id);
        const inserted = new Set(
          (
            await this.store.model
              .find({ _id: { $in: ids } }, { _id: 1 })
              .lean<{ _id: string }[]>()
              .exec()
          ).map((r) => r._id),
        );
        const month = pending[0]!.month;
        const taken = await this.existing(
          month,
          pending.filter((r) => !inserted.has(r._id)).map((r) => r.memberId),
        );
        for (const record of pending) if (inserted.has(record._id)) created.push(record);
        // Those that went in are relayed by the sweep (their outbox flag is up).
        pending = pending.filter((r) => !inserted.has(r._id) && !taken.has(r.memberId));
      }
    }
    return created.map(toBill);
  }

  async find(memberId: string, month: string): Promise<Bill | null> {
    const record = await this.store.model.findOne({ memberId, month }, withoutOutboxFields).lean<BillRecord>().exec();
    return record ? toBill(record) : null;
  }

  /**
   * Adds a payment to the bill unless its reference is already there. Answers the bill and
   * whether this call recorded the payment; `check` runs on the bill as it is before each
   * attempt (the overpayment rule), so a concurrent payment is judged with the other one in.
   */
  async recordPayment(bill: Bill, payment: Payment, check: (current: Bill) => void): Promise<{ bill: Bill; recorded: boolean }> {
    let current = bill;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (current.payments.some((p) => p.reference === payment.reference)) return { bill: current, recorded: false };
      check(current);
      const paidFen = current.paidFen + payment.amountFen;
      const owedFen = current.amountFen - paidFen;
      const event: NewEvent = {
        type: duesEvents.paid,
        actor: payment.actor,
        orgPath: current.orgPath,
        subjectId: current.memberId,
        data: {
          billId: current.id,
          month: current.month,
          reference: payment.reference,
          amountFen: payment.amountFen,
          paidFen,
          owedFen,
          settled: owedFen <= 0,
        },
      };
      const record = await this.store.tryUpdate(
        // The reference condition makes the same payment twice (two replicas, a retry) one payment.
        { _id: current.id, revision: current.revision, 'payments.reference': { $ne: payment.reference } },
        { $set: { paidFen, owedFen, updatedAt: payment.at, revision: current.revision + 1 }, $push: { payments: payment } },
        [event],
        current.id,
      );
      if (record) return { bill: toBill(record), recorded: true };
      const reloaded = await this.find(current.memberId, current.month);
      if (!reloaded) throw new Error(`bill ${current.id} disappeared`);
      current = reloaded;
    }
    throw aborted('DUES_BILL_REVISION_CONFLICT', `bill ${bill.id} is being changed by others; retry`, { id: bill.id });
  }

  async list(filter: BillFilter, page: number, size: number): Promise<Page<Bill>> {
    const query: Record<string, unknown> = within(filter.scope);
    if (filter.month) query.month = filter.month;
    if (filter.memberId) query.memberId = filter.memberId;
    if (filter.unpaidOnly) query.owedFen = { $gt: 0 };
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, { ...withoutOutboxFields, orgScopes: 0 })
        .sort({ month: -1, orgPath: 1, memberName: 1, _id: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<BillRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map(toBill), total };
  }

  /**
   * Unpaid bills up to and including `asOfMonth` in a subtree, one member at a time (read in
   * member order through a cursor, so a province's worth never sits in memory at once).
   */
  async *unpaidByMember(scope: string, asOfMonth: string): AsyncGenerator<UnpaidBills> {
    const cursor = this.store.model
      .find({ ...within(scope), month: { $lte: asOfMonth }, owedFen: { $gt: 0 } }, { ...withoutOutboxFields, payments: 0, orgScopes: 0 })
      .sort({ memberId: 1, month: 1 })
      .lean<BillRecord[]>()
      .cursor();
    let group: UnpaidBills | undefined;
    for await (const record of cursor as AsyncIterable<BillRecord>) {
      const bill = toBill({ ...record, payments: [] });
      if (group && group.memberId !== bill.memberId) {
        yield group;
        group = undefined;
      }
      group ??= { memberId: bill.memberId, bills: [] };
      group.bills.push(bill);
    }
    if (group) yield group;
  }

  /**
   * Raises the arrears warning of one episode: the event goes out with the marker on the latest
   * bill of the run (one document update, so it is raised once), then the run's other bills are
   * marked too, so the episode stays recognised when the latest bill is paid. False when another
   * run of the job got there first.
   */
  async raiseArrearsWarning(run: Bill[], data: Record<string, unknown>, at: string): Promise<boolean> {
    const latest = run[run.length - 1];
    if (!latest) return false;
    const event: NewEvent = { type: duesEvents.arrearsWarning, actor: 'system', orgPath: latest.orgPath, subjectId: latest.memberId, data };
    const raised = await this.store.tryUpdate(
      { _id: latest.id, revision: latest.revision, arrearsWarnedAt: '' },
      { $set: { arrearsWarnedAt: at, revision: latest.revision + 1 } },
      [event],
      latest.id,
    );
    if (!raised) return false;
    for (const bill of run.slice(0, -1)) {
      await this.store.locks.run(bill.id, () =>
        this.store.model.updateOne({ _id: bill.id, arrearsWarnedAt: '' }, { $set: { arrearsWarnedAt: at }, $inc: { revision: 1 } }).exec(),
      );
    }
    return true;
  }

  /**
   * True when every bill of the member up to and including `month` is fully paid (what a
   * transfer out needs). A bill whose amounts are not whole fen counts as unpaid, so a damaged
   * record never lets a transfer through.
   */
  async isPaidUpTo(memberId: string, month: string): Promise<boolean> {
    const records = await this.store.model
      .find({ memberId, month: { $lte: month } }, { month: 1, amountFen: 1, paidFen: 1 })
      .lean<Pick<BillRecord, 'month' | 'amountFen' | 'paidFen'>[]>()
      .exec();
    const bills: DuesBill[] = [];
    for (const { month: billed, amountFen, paidFen } of records) {
      const wellFormed = isYearMonth(billed) && Number.isInteger(amountFen) && Number.isInteger(paidFen) && amountFen >= 0 && paidFen >= 0;
      if (!wellFormed) return false;
      bills.push({ month: billed, amountFen, paidFen });
    }
    return paidUpTo(bills, month);
  }
}

function billedEvent(record: BillRecord): NewEvent {
  return {
    type: duesEvents.billed,
    actor: record.createdBy,
    orgPath: record.orgPath,
    subjectId: record.memberId,
    data: {
      billId: record._id,
      month: record.month,
      amountFen: record.amountFen,
      category: record.category,
      basisFen: record.basisFen,
      organizationId: record.organizationId,
    },
  };
}
