/**
 * The class-hour report's list of who is behind, paged across nodes: the rows come from the
 * nodes' own lists, ordered by node path and then member, and a page may span two nodes.
 */
import * as pb from '@repo/proto/learning/v1';
import { addMember, as, startLearning, waitFor, type RunningLearning } from '../support';

jest.setTimeout(60_000);
let running: RunningLearning;
beforeAll(async () => {
  running = await startLearning();
});
afterAll(async () => running?.stop());

const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));

test('who is behind: every page in node order then member order, a page spanning two nodes, the total over all', async () => {
  const admin = await as('admin-r', ['orgAdmin'], '/r1/');
  const members = [
    ['m-c', '/r1/b1/'],
    ['m-a', '/r1/b1/'],
    ['m-b', '/r1/b1/'],
    ['m-9', '/r1/b2/'],
    ['m-0', '/r1/b2/'],
  ] as const;
  for (const [memberId, path] of members) await addMember(running, memberId, path);
  const ledger = running.client(pb.LedgerServiceService);
  const page = (n: number, size: number) =>
    ledger.call('getHoursReport', pb.GetHoursReportRequest.create({ year, page: { page: n, size } }), admin);
  // Nobody has studied: everyone is behind once the summaries have counted them.
  const rows = async (n: number, size: number) => (await page(n, size)).behind.map((b) => `${b.orgPath}${b.memberId}`);
  await waitFor(async () => (await rows(1, 50)).length === members.length || undefined, {
    what: 'the summaries of both branches',
    timeoutMs: 45_000,
  });
  expect(await rows(1, 50)).toEqual(['/r1/b1/m-a', '/r1/b1/m-b', '/r1/b1/m-c', '/r1/b2/m-0', '/r1/b2/m-9']);
  expect(await rows(1, 2)).toEqual(['/r1/b1/m-a', '/r1/b1/m-b']);
  expect(await rows(2, 2)).toEqual(['/r1/b1/m-c', '/r1/b2/m-0']);
  expect(await rows(3, 2)).toEqual(['/r1/b2/m-9']);
  expect(await rows(4, 2)).toEqual([]);
  const last = await page(3, 2);
  expect(last).toMatchObject({ learners: 5, onTrack: 0, page: { total: '5' } });
});
