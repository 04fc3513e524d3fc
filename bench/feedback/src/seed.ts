/**
 * Writes simulated messages where the service keeps them, in bulk: each message's stored form
 * is the repository's own (`messageRecordOf`: scopes, statistics key, next check and its hour),
 * its statistics key is marked stale and its check hour listed, exactly as a save does, and the
 * public ones go into the search index as the indexer would put them (`toIndexed`, the message
 * revision as external version). Only the events are left out: a seeded month is not replayed
 * to NATS (the service's own writes during the run publish theirs).
 */
import type { FeedbackApp } from '../../../services/feedback/src/app';
import { isPublic, type FeedbackMessage } from '../../../services/feedback/src/domain/message';
import { messageRecordOf } from '../../../services/feedback/src/store/messages';
import { staleMarkOf } from '../../../services/feedback/src/store/statistics';
import { toIndexed } from '../../../services/feedback/src/store/search/mapping';
import { daysOf, simulate, submissionTimes, type SimulationContext } from './dataset';

/** What the run counts itself, per city and in total, to hold the service's statistics to. */
export interface OwnCount {
  submitted: number;
  returned: number;
  merged: number;
  received: number;
  replied: number;
  ratings: number;
  unsatisfied: number;
  revisited: number;
  /** Working days from submission to reply → replies. */
  handlingDays: Record<string, number>;
}

const emptyCount = (): OwnCount => ({
  submitted: 0,
  returned: 0,
  merged: 0,
  received: 0,
  replied: 0,
  ratings: 0,
  unsatisfied: 0,
  revisited: 0,
  handlingDays: {},
});

function count(into: OwnCount, m: FeedbackMessage): void {
  into.submitted++;
  if (m.status === 'returned') return void into.returned++;
  if (m.status === 'merged') return void into.merged++;
  into.received++;
  if (m.reply) {
    into.replied++;
    into.handlingDays[m.reply.workingDays] = (into.handlingDays[m.reply.workingDays] ?? 0) + 1;
  }
  if (m.rating) {
    into.ratings++;
    if (m.rating.overall === 'dissatisfied' || m.rating.overall === 'veryDissatisfied') {
      into.unsatisfied++;
      if (m.rectification?.revisit) into.revisited++;
    }
  }
}

export interface SeedFigures {
  messages: number;
  public: number;
  seconds: number;
  /** Wall seconds spent in the workflow simulation, in store inserts, in indexing. */
  simulateSeconds: number;
  insertSeconds: number;
  indexSeconds: number;
  statuses: Record<string, number>;
  /** Messages with a deadline check to come, and in how many province hours. */
  withCheck: number;
  checkHours: number;
  staleKeys: number;
  byCity: Record<string, OwnCount>;
  total: OwnCount;
}

export interface SeedOptions {
  firstDay: string;
  days: number;
  perDay: number;
  batch: number;
  /** Index the public messages (the ticker's dataset needs no search index). */
  index: boolean;
  log(line: string): void;
}

export async function seed(app: FeedbackApp, ctx: SimulationContext, o: SeedOptions): Promise<SeedFigures> {
  const started = performance.now();
  const collection = app.messages.model.collection;
  const db = app.connection.db!;
  const staleKeys = new Set<string>();
  const hours = new Set<string>();
  const statuses: Record<string, number> = {};
  const byCity: Record<string, OwnCount> = {};
  const total = emptyCount();
  let messages = 0;
  let publicCount = 0;
  let withCheck = 0;
  let simulateMs = 0;
  let insertMs = 0;
  let indexMs = 0;
  let serial = 0;
  let pending: Promise<void> = Promise.resolve();

  const write = async (batch: FeedbackMessage[]) => {
    if (batch.length === 0) return;
    const records = batch.map((m) => messageRecordOf(m, ctx.end));
    for (const r of records) {
      staleKeys.add(r.statsKey);
      if (r.nextCheckHour) {
        hours.add(r.nextCheckHour);
        withCheck++;
      }
    }
    const inserting = (async () => {
      const t = performance.now();
      await collection.insertMany(records as never[], { ordered: false });
      insertMs += performance.now() - t;
    })();
    const indexing = (async () => {
      const shown = o.index ? batch.filter(isPublic) : [];
      publicCount += shown.length;
      if (shown.length === 0) return;
      const t = performance.now();
      const operations = shown.flatMap((m) => [
        { index: { _index: app.search.alias, _id: m.id, version: m.revision, version_type: 'external' as const } },
        toIndexed(app.search.analyzer, m),
      ]);
      const response = await app.search.client.bulk({ operations });
      if (response.errors) {
        const failed = response.items.find((i) => i.index?.error);
        throw new Error(`indexing failed: ${JSON.stringify(failed?.index?.error)}`);
      }
      indexMs += performance.now() - t;
    })();
    await Promise.all([inserting, indexing]);
  };

  for (const day of daysOf(o.firstDay, o.days)) {
    let batch: FeedbackMessage[] = [];
    for (const at of submissionTimes(day, o.perDay, ctx.random)) {
      const t = performance.now();
      const { message, city } = simulate(ctx, at, serial++);
      simulateMs += performance.now() - t;
      statuses[message.status] = (statuses[message.status] ?? 0) + 1;
      count((byCity[city] ??= emptyCount()), message);
      count(total, message);
      batch.push(message);
      messages++;
      if (batch.length >= o.batch) {
        // One batch in flight while the next is simulated.
        await pending;
        pending = write(batch);
        batch = [];
      }
    }
    await pending;
    pending = write(batch);
    await pending;
    o.log(`  ${day}: ${messages} messages written (${Math.round(messages / ((performance.now() - started) / 1000))}/s overall)`);
  }
  await pending;
  // What a save marks: the statistics keys to recompute, the hours holding checks.
  const now = new Date().toISOString();
  const keys = [...staleKeys];
  for (let i = 0; i < keys.length; i += 5_000) {
    await db
      .collection('statisticsStale')
      .insertMany(keys.slice(i, i + 5_000).map((k) => staleMarkOf(k, now)) as never[], { ordered: false });
  }
  if (hours.size)
    await db.collection('checkHours').insertMany([...hours].map((h) => ({ _id: h, markedAt: now })) as never[], { ordered: false });
  if (o.index) await app.search.refresh();
  return {
    messages,
    public: publicCount,
    seconds: (performance.now() - started) / 1000,
    simulateSeconds: simulateMs / 1000,
    insertSeconds: insertMs / 1000,
    indexSeconds: indexMs / 1000,
    statuses,
    withCheck,
    checkHours: hours.size,
    staleKeys: keys.length,
    byCity,
    total,
  };
}
