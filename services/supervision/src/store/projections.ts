/**
 * What the warning rules remember of other services' events, kept as the events come (read
 * models, never another service's database): dues bills and whether they are settled, meetings
 * held, national-ID reveals by user, and which periods a frequency rule has judged.
 */
import type { Connection } from '@repo/db';
import { isDuplicateKey } from '@repo/db';
import type { BillState } from '../domain/warning-rules';

interface BillDoc extends BillState {
  _id: string;
  memberId: string;
  orgPath: string;
  /** Time of the payment event that settled it, so a late billing event does not unsettle it. */
  settledAt: string;
}

interface MeetingDoc {
  _id: string;
  organizationId: string;
  type: string;
  date: string;
  month: string;
  quarter: string;
}

interface RevealDoc {
  _id: string;
  actor: string;
  day: string;
  at: string;
}

interface EpisodeDoc {
  _id: string;
  /** The first unpaid month of the run that began it; '' when the member is paid up. */
  from: string;
}

interface SweepDoc {
  _id: string;
  at: string;
}

export class Projections {
  private readonly bills;
  private readonly meetings;
  private readonly reveals;
  private readonly sweeps;
  private readonly episodes;

  constructor(connection: Connection) {
    const db = connection.db!;
    this.bills = db.collection<BillDoc>('seenBills');
    this.meetings = db.collection<MeetingDoc>('seenMeetings');
    this.reveals = db.collection<RevealDoc>('seenBursts');
    this.sweeps = db.collection<SweepDoc>('ruleSweeps');
    this.episodes = db.collection<EpisodeDoc>('arrearsEpisodes');
  }

  async ensureIndexes(): Promise<void> {
    await this.bills.createIndex({ memberId: 1 });
    await this.meetings.createIndex({ month: 1 });
    await this.meetings.createIndex({ quarter: 1 });
    await this.reveals.createIndex({ actor: 1 });
  }

  /** A bill billed (settled when it asks for nothing) or paid. */
  async bill(fact: {
    billId: string;
    memberId: string;
    orgPath: string;
    month: string;
    settled: boolean;
    at: string;
    payment: boolean;
  }): Promise<void> {
    const current = await this.bills.findOne({ _id: fact.billId });
    if (!current) {
      try {
        await this.bills.insertOne({
          _id: fact.billId,
          memberId: fact.memberId,
          orgPath: fact.orgPath,
          month: fact.month,
          settled: fact.settled,
          settledAt: fact.settled ? fact.at : '',
        });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    // A payment settles (or not, when partial); a billing event only ever arrives before its payments matter.
    if (fact.payment) await this.bills.updateOne({ _id: fact.billId }, { $set: { settled: fact.settled, settledAt: fact.at } });
  }

  async billsOf(memberId: string): Promise<(BillState & { orgPath: string })[]> {
    return (await this.bills.find({ memberId }).toArray()).map(({ month, settled, orgPath }) => ({ month, settled, orgPath }));
  }

  /**
   * The member's arrears episode given the run of unpaid months now starting at `runFrom` (none
   * when paid up): the episode goes on while there is a run and ends when there is none. Answers
   * its first month, or undefined when paid up. The dues events are taken in order, one at a time.
   */
  async arrearsEpisode(memberId: string, runFrom: string | undefined): Promise<string | undefined> {
    const current = (await this.episodes.findOne({ _id: memberId }))?.from ?? '';
    const from = runFrom ? current || runFrom : '';
    if (from !== current) await this.episodes.updateOne({ _id: memberId }, { $set: { from } }, { upsert: true });
    return from || undefined;
  }

  async meeting(doc: MeetingDoc): Promise<void> {
    await this.meetings.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
  }

  /** Meetings of a month (YYYY-MM) or a quarter (YYYY-Qn). */
  async meetingsIn(period: string): Promise<MeetingDoc[]> {
    return this.meetings.find(period.includes('-Q') ? { quarter: period } : { month: period }).toArray();
  }

  async reveal(eventId: string, actor: string, day: string, at: string): Promise<void> {
    await this.reveals.updateOne({ _id: eventId }, { $set: { actor, day, at } }, { upsert: true });
  }

  /** When the actor's repetitions happened on these days. */
  async revealTimes(actor: string, days: string[]): Promise<string[]> {
    const times: string[] = [];
    for (const day of days) times.push(...(await this.reveals.find({ actor, day }).toArray()).map((r) => r.at));
    return times;
  }

  /** Whether a rule has judged a period. */
  async swept(ruleId: string, period: string): Promise<boolean> {
    return (await this.sweeps.countDocuments({ _id: `${ruleId}|${period}` })) > 0;
  }

  async markSwept(ruleId: string, period: string, at: Date): Promise<void> {
    await this.sweeps.updateOne({ _id: `${ruleId}|${period}` }, { $set: { at: at.toISOString() } }, { upsert: true });
  }
}
