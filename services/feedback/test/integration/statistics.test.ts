/**
 * The statistics job on the real store with two replicas: both catch up at once, marks are
 * redelivered (keys marked again, runs repeated), a key is marked again while a run holds it,
 * and records from before the month was stored are backfilled. Every figure is counted by hand
 * from the messages written here.
 *
 *   branch b1: 3 on 12 Oct, 2 on 13 Oct (one accepted and replied), 1 on 2 Nov
 *   branch b2: 2 on 12 Oct, one of them returned
 */
import { createEvent, EventPublisher } from '@repo/bus';
import * as pb from '@repo/proto/feedback/v1';
import { cleanupNamespace, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { asPublic, at, caller, draftTo, node, publishTree, startFeedback, staffOf, step, type RunningFeedback } from '../support';

jest.setTimeout(180_000);

const namespace = uniqueNamespace('fbstats');
const province = node(undefined, 'prov', '江川省委', 'committee');
const city = node(province, 'city', '江川市委', 'committee');
const district = node(city, 'lh', '临河区委', 'committee');
const b1 = node(district, 'b1', '滨江社区党支部', 'branch');
const b2 = node(district, 'b2', '河口社区党支部', 'branch');
const replicas: RunningFeedback[] = [];
const ids: string[] = [];

const call = caller(() => replicas[0]!);
const bothRecompute = () => Promise.all(replicas.map((r) => r.app.statistics.recompute()));
const rollups = () => replicas[0]!.app.connection.collection('statisticsRollups');

async function write(to: typeof b1, local: string): Promise<string> {
  for (const r of replicas) r.clock.now = at(local);
  const { message } = await call('submitMessage', { draft: draftTo(to.id), clientAddress: '' }, asPublic());
  ids.push(message!.message!.id);
  return message!.message!.id;
}

const figures = async (organizationId: string, from: string, to: string) => {
  const { total } = await call('getStatistics', { organizationId, from, to, organizationRows: 50 }, staffOf(city));
  // int64 arrives as a string.
  return { submitted: +total!.submitted, received: +total!.received, returned: +total!.returned, replied: +total!.replied };
};

/** What the messages above make: October of the city, a day of b1, November. */
async function expectTheCount(replied = 1) {
  expect(await figures(city.id, '2026-10-01', '2026-10-31')).toEqual({ submitted: 7, received: 6, returned: 1, replied });
  expect(await figures(b1.id, '2026-10-13', '2026-10-13')).toEqual({ submitted: 2, received: 2, returned: 0, replied: 1 });
  expect(await figures(b2.id, '2026-10-01', '2026-10-31')).toEqual({ submitted: 2, received: 1, returned: 1, replied: 0 });
  expect(await figures(city.id, '2026-11-01', '2026-11-30')).toEqual({ submitted: 1, received: 1, returned: 0, replied: 0 });
  // Four organisation days and three organisation months.
  expect(await rollups().countDocuments({ grain: 'day' })).toBe(4);
  expect(await rollups().countDocuments({ grain: 'month' })).toBe(3);
  expect(await replicas[0]!.app.statisticsStore.countStale()).toBe(0);
}

beforeAll(async () => {
  await ensureStack();
  replicas.push(await startFeedback(namespace, {}, at('2026-10-12 09:00')));
  replicas.push(await startFeedback(namespace, {}, at('2026-10-12 09:00')));
  await publishTree(replicas[0]!, namespace, [province, city, district, b1, b2]);
  await publishTree(replicas[1]!, namespace, [province, city, district, b1, b2]);
  for (const hour of ['10:00', '11:00', '12:00']) await write(b1, `2026-10-12 ${hour}`);
  const repliedId = await write(b1, '2026-10-13 10:00');
  await write(b1, '2026-10-13 11:00');
  await write(b1, '2026-11-02 10:00');
  await write(b2, '2026-10-12 10:00');
  const returnedId = await write(b2, '2026-10-12 11:00');
  for (const r of replicas) r.clock.now = at('2026-10-14 10:00');
  await call(
    'takeStep',
    step(returnedId, { $case: 'return', return: { reason: pb.ReturnReason.RETURN_REASON_ABUSIVE, note: '含辱骂内容' } }),
    staffOf(b2),
  );
  await call('takeStep', step(repliedId, { $case: 'accept', accept: { note: '' } }), staffOf(b1));
  await call('takeStep', step(repliedId, { $case: 'reply', reply: { body: '已修缮' } }), staffOf(b1));
});

afterAll(async () => {
  for (const r of replicas) await r?.stop();
  await cleanupNamespace(namespace);
});

test('two replicas catching up at once count every message once', async () => {
  const summaries = await bothRecompute();
  // Each key was recomputed by one replica or both; the figures are the same either way.
  expect(summaries.every((s) => s.complete)).toBe(true);
  expect(Math.max(...summaries.map((s) => s.keys))).toBeGreaterThan(0);
  await expectTheCount();
  const { computedThrough } = await call('getStatistics', { organizationId: city.id, from: '2026-10-01', to: '2026-10-31' }, staffOf(city));
  expect(computedThrough).toBeDefined();
});

test('keys marked again and runs repeated (redelivery) change nothing, and a key now empty loses its day', async () => {
  const store = replicas[0]!.app.statisticsStore;
  await store.markDirty([
    `${b1.id}|2026-10-12`,
    `${b1.id}|2026-10-13`,
    `${b2.id}|2026-10-12`,
    `${b1.id}|2026-11-02`,
    `${b2.id}|2026-10-20`,
  ]);
  // Three months computed at once by one run: each of the five keys counted.
  expect(await replicas[0]!.app.statistics.recompute()).toMatchObject({ keys: 5, months: 3, complete: true });
  await store.markDirty([`${b1.id}|2026-10-12`, `${b2.id}|2026-10-12`]);
  await bothRecompute();
  await bothRecompute();
  await expectTheCount();
});

test('a key marked again while a run holds it stays stale until it is recomputed', async () => {
  const store = replicas[0]!.app.statisticsStore;
  await store.markDirty([`${b2.id}|2026-10-12`]);
  const held = await store.staleKeys(10);
  // A write marks the key again after the run read the marks: clearing with the old token spares it.
  await replicas[1]!.app.statisticsStore.markDirty([`${b2.id}|2026-10-12`]);
  await store.clear(held);
  expect(await store.countStale()).toBe(1);
  await bothRecompute();
  await expectTheCount();
});

test('a step saved after a run is counted by the next', async () => {
  for (const r of replicas) r.clock.now = at('2026-10-15 10:00');
  const id = ids[0]!;
  await call('takeStep', step(id, { $case: 'accept', accept: { note: '' } }), staffOf(b1));
  await call('takeStep', step(id, { $case: 'reply', reply: { body: '已处理' } }), staffOf(b1));
  expect(await replicas[0]!.app.statisticsStore.countStale()).toBe(1);
  await bothRecompute();
  await expectTheCount(2);
  expect(await figures(b1.id, '2026-10-12', '2026-10-12')).toEqual({ submitted: 3, received: 3, returned: 0, replied: 1 });
});

test('records stored before they carried their month are given it once, and counted again', async () => {
  const { app } = replicas[0]!;
  const messages = app.connection.collection('messages');
  await messages.updateOne({ _id: ids[5] as never }, { $unset: { statsMonth: '' } });
  // Done at start already: a second start does not scan again.
  expect(await app.messages.backfillStatsMonth()).toBe(0);
  await app.connection.collection('statisticsState').deleteOne({ _id: 'done:statsMonth' as never });
  expect(await app.messages.backfillStatsMonth()).toBe(1);
  expect(await messages.findOne({ _id: ids[5] as never })).toMatchObject({ statsMonth: `${b1.id}|2026-11` });
  expect(await app.statisticsStore.staleKeys(10)).toEqual([
    expect.objectContaining({ _id: `${b1.id}|2026-11-02`, month: `${b1.id}|2026-11` }),
  ]);
  await bothRecompute();
  await expectTheCount(2);
});

describe('a report kept until the tallies change', () => {
  const counts = ['submitted', 'received', 'returned', 'merged', 'replied', 'repliedOnTime', 'overdue', 'ratings', 'unsatisfied'] as const;
  const report = (organizationId: string) =>
    call('getStatistics', { organizationId, from: '2026-10-01', to: '2026-10-31', organizationRows: 50 }, staffOf(province));
  const sumOf = (rows: { figures?: pb.Figures }[]) =>
    Object.fromEntries(counts.map((k) => [k, rows.reduce((sum, r) => sum + Number(r.figures![k]), 0)]));
  const totalOf = (r: pb.GetStatisticsResponse) => Object.fromEntries(counts.map((k) => [k, Number(r.total![k])]));
  const keptFor = async (scope: string) =>
    replicas[0]!.app.connection.collection('statisticsReports').findOne({ _id: `${scope}|2026-10-01|2026-10-31|50` as never });

  /** The report as asked (kept or made) equals one made now from the tallies, and the sum over its organisations. */
  async function expectCurrent(organizationId: string) {
    const asked = await report(organizationId);
    await replicas[1]!.app.statisticsStore.newGeneration();
    const made = await report(organizationId);
    expect(asked).toEqual(made);
    expect(totalOf(made)).toEqual(sumOf(made.organizations));
    expect(totalOf(made)).toEqual(sumOf(made.levels));
    expect(Number(made.organizationsTotal)).toBe(made.organizations.length);
    return made;
  }

  test('is read again as kept, and is made anew after writes, a rename and a move', async () => {
    const publisher = new EventPublisher(replicas[0]!.app.bus);
    const before = await expectCurrent(city.id);
    // Asked again: the kept one, of the tallies' current generation.
    const { generation } = await replicas[0]!.app.statisticsStore.current();
    expect(await report(city.id)).toEqual(before);
    expect(await keptFor(city.path)).toMatchObject({ generation });

    // Writes, counted by the job.
    await write(b2, '2026-10-20 10:00');
    await write(b2, '2026-10-20 11:00');
    await bothRecompute();
    const written = await report(city.id);
    expect(totalOf(written)).toMatchObject({ submitted: totalOf(before).submitted! + 2, received: totalOf(before).received! + 2 });
    expect(await expectCurrent(city.id)).toEqual(written);

    // A rename: the row is named anew without a run of the job.
    await publisher.publish(
      createEvent({
        type: 'member.organization.updated',
        actor: 'admin',
        orgPath: b2.path,
        subjectId: b2.id,
        data: { changed: ['name'], name: '河口村党支部' },
      }),
    );
    await waitFor(async () => (await report(city.id)).organizations.some((o) => o.organizationName === '河口村党支部'), {
      what: 'the new name in the report',
    });
    await expectCurrent(city.id);

    // A move out of the city, to right under the province: the city no longer counts b2, the province still does.
    const provinceBefore = totalOf(await report(province.id));
    const b2Row = written.organizations.find((o) => o.organizationId === b2.id)!;
    const to = `${province.path}${b2.id}/`;
    await publisher.publish(
      createEvent({
        type: 'member.organization.moved',
        actor: 'admin',
        orgPath: to,
        subjectId: b2.id,
        data: { from: b2.path, to, parentId: province.id },
      }),
    );
    await waitFor(async () => !(await report(city.id)).organizations.some((o) => o.organizationId === b2.id), {
      what: 'the city report without the moved branch',
    });
    const moved = await expectCurrent(city.id);
    expect(totalOf(moved).submitted).toBe(totalOf(written).submitted! - Number(b2Row.figures!.submitted));
    expect(totalOf(await expectCurrent(province.id))).toEqual(provinceBefore);
    expect(totalOf(await expectCurrent(district.id)).submitted).toBe(totalOf(moved).submitted);
  });
});
