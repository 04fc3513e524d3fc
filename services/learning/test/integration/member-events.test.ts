/**
 * Learning's copy of members, taken from the member service's events in batches: a member's
 * events apply in stream order, and an event that comes again (a batch delivered again, an
 * event published again under a new stream sequence) changes nothing. On the real NATS and
 * FerretDB; "nothing changed" is read after a later member's event was applied.
 */
import * as pb from '@repo/proto/learning/v1';
import { as, startLearning, waitFor, type RunningLearning } from '../support';

jest.setTimeout(90_000);
let running: RunningLearning;
beforeAll(async () => {
  running = await startLearning();
});
afterAll(async () => running?.stop());

const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));

async function learnerOf(memberId: string) {
  const admin = await as('admin-me', ['orgAdmin'], '/t1/');
  try {
    return (await running.client(pb.LearnerServiceService).call('getLearner', { memberId }, admin)).learner;
  } catch {
    return undefined;
  }
}

/** Waits until a member announced after the events under test is known: those were handled before it. */
async function settled(memberId: string): Promise<void> {
  await running.publish('member.member.created', memberId, '/t1/z/', { organizationId: 'z', stage: 'full' });
  await waitFor(() => learnerOf(memberId), { what: `learner ${memberId}`, timeoutMs: 30_000 });
}

test("a member's events published back to back apply in stream order, and an event that comes again changes nothing", async () => {
  const admin = await as('admin-me', ['orgAdmin'], '/t1/');
  const created = await running.publish('member.member.created', 'm-1', '/t1/a/', {
    organizationId: 'a',
    stage: 'probationary',
    date: '2026-01-05',
  });
  const staged = await running.publish('member.member.stageChanged', 'm-1', '/t1/a/', { to: 'full', date: '2026-02-05' });
  await running.publish('member.member.transferred', 'm-1', '/t1/a/', {
    toOrganizationId: 'b',
    to: '/t1/b/',
    date: '2026-03-05',
  });
  const learner = await waitFor(
    async () => {
      const l = await learnerOf('m-1');
      return l?.orgPath === '/t1/b/' ? l : undefined;
    },
    { what: 'm-1 transferred', timeoutMs: 30_000 },
  );
  expect(learner).toMatchObject({ orgPath: '/t1/b/', organizationId: 'b', stage: 'full' });

  // The first events once more, under new stream sequences: older than what m-1 holds.
  await running.publishAgain(created);
  await running.publishAgain(staged);
  await settled('m-sentinel-1');
  expect(await learnerOf('m-1')).toEqual(learner);

  // The ledger of the year followed m-1 to their new branch.
  const ledgers = running.client(pb.LedgerServiceService);
  expect((await ledgers.call('getLedger', { memberId: 'm-1', year }, admin)).ledger).toMatchObject({ orgPath: '/t1/b/' });

  // The portrait's history holds each event once, in order.
  const learners = running.client(pb.LearnerServiceService);
  await learners.call(
    'updateLearner',
    pb.UpdateLearnerRequest.create({
      memberId: 'm-1',
      cadreLevel: 'CADRE_LEVEL_TOWNSHIP_SECTION' as pb.CadreLevel,
      updateMask: ['cadreLevel'],
      expectedRevision: learner!.revision,
    }),
    admin,
  );
  const { portrait } = await running.client(pb.PortraitServiceService).call('getPortrait', { memberId: 'm-1' }, admin);
  expect(portrait!.organizationHistory.map((o) => [o.organizationId, o.fromDate])).toEqual([
    ['a', '2026-01-05'],
    ['b', '2026-03-05'],
  ]);
  expect(portrait!.stageHistory.map((s) => [s.stage, s.date])).toEqual([
    ['probationary', '2026-01-05'],
    ['full', '2026-02-05'],
  ]);
});

test('accounts: a link announced before its member applies when the member arrives; moving it takes it from the first; an older link that comes again changes nothing', async () => {
  const first = await running.publish('member.user.created', 'u-1', '/t1/a/', { memberId: 'm-2' });
  await running.publish('member.member.created', 'm-2', '/t1/a/', { organizationId: 'a', stage: 'full' });
  await running.publish('member.member.created', 'm-3', '/t1/a/', { organizationId: 'a', stage: 'full' });
  await waitFor(async () => ((await learnerOf('m-2'))?.userId === 'u-1' ? true : undefined), { what: 'm-2 linked', timeoutMs: 30_000 });

  await running.publish('member.user.updated', 'u-1', '/t1/a/', { memberId: 'm-3', memberIdBefore: 'm-2' });
  await waitFor(async () => ((await learnerOf('m-3'))?.userId === 'u-1' ? true : undefined), { what: 'm-3 linked', timeoutMs: 30_000 });
  expect((await learnerOf('m-2'))?.userId).toBe('');

  await running.publishAgain(first);
  await running.publish('member.user.created', 'u-sentinel', '/t1/z/', { memberId: 'm-sentinel-2' });
  await settled('m-sentinel-2');
  await waitFor(async () => ((await learnerOf('m-sentinel-2'))?.userId === 'u-sentinel' ? true : undefined), {
    what: 'the sentinel linked',
    timeoutMs: 30_000,
  });
  expect((await learnerOf('m-3'))?.userId).toBe('u-1');
  expect((await learnerOf('m-2'))?.userId).toBe('');
});

test('the order the member service published in decides, not occurredAt: an event backdated to the day a change took effect applies after later-dated ones', async () => {
  // Announced today, then a stage change and a transfer dated a year and more back.
  const created = await running.publish('member.member.created', 'm-5', '/t1/a/', { organizationId: 'a', stage: 'probationary' });
  await waitFor(() => learnerOf('m-5'), { what: 'm-5', timeoutMs: 30_000 });
  await running.publish(
    'member.member.stageChanged',
    'm-5',
    '/t1/a/',
    { to: 'full', date: '2025-01-15' },
    { occurredAt: '2025-01-15T02:00:00Z' },
  );
  await running.publish(
    'member.member.transferred',
    'm-5',
    '/t1/a/',
    { toOrganizationId: 'c', to: '/t1/c/', date: '2025-03-01' },
    { occurredAt: '2025-03-01T02:00:00Z' },
  );
  const learner = await waitFor(
    async () => {
      const l = await learnerOf('m-5');
      return l?.orgPath === '/t1/c/' ? l : undefined;
    },
    { what: 'm-5 transferred', timeoutMs: 30_000 },
  );
  expect(learner).toMatchObject({ orgPath: '/t1/c/', organizationId: 'c', stage: 'full' });

  // The announcement once more under a new stream sequence, its occurredAt later than the
  // others': the same event, so nothing changes.
  await running.publishAgain(created);
  await settled('m-sentinel-5');
  expect(await learnerOf('m-5')).toEqual(learner);

  // An account moved by a backdated event moves too.
  await running.publish('member.member.created', 'm-6', '/t1/a/', { organizationId: 'a', stage: 'full' });
  await running.publish('member.member.created', 'm-7', '/t1/a/', { organizationId: 'a', stage: 'full' });
  await running.publish('member.user.created', 'u-5', '/t1/a/', { memberId: 'm-6' });
  await waitFor(async () => ((await learnerOf('m-6'))?.userId === 'u-5' ? true : undefined), { what: 'm-6 linked', timeoutMs: 30_000 });
  await running.publish(
    'member.user.updated',
    'u-5',
    '/t1/a/',
    { memberId: 'm-7', memberIdBefore: 'm-6' },
    { occurredAt: '2025-01-01T02:00:00Z' },
  );
  await waitFor(async () => ((await learnerOf('m-7'))?.userId === 'u-5' ? true : undefined), { what: 'm-7 linked', timeoutMs: 30_000 });
  expect((await learnerOf('m-6'))?.userId).toBe('');
});
