/**
 * Submission limits that hold across replicas, on the real store: two instances of the service
 * take one contact's messages at once, and only the limit's number are written. (What the
 * public meets through REST, the screen, duplicates, bad input and search included, is in
 * gateway/test/feedback-public.e2e.test.ts.)
 */
import * as pb from '@repo/proto/feedback/v1';
import { cleanupNamespace, ensureStack, uniqueNamespace } from '@repo/testbed';
import { SubmissionQuotas } from '../../src/store/quotas';
import { asPublic, at, caller, draftTo, errorOf, node, publishTree, startFeedback, type RunningFeedback } from '../support';

jest.setTimeout(120_000);

const namespace = uniqueNamespace('fbpublic');
const city = node(undefined, 'city', '江川市委', 'committee');
const district = node(city, 'lh', '临河区委', 'committee');
let running: RunningFeedback;
let replica: RunningFeedback;

beforeAll(async () => {
  await ensureStack();
  const env = { FEEDBACK_ADDRESS_DAILY_LIMIT: '6' };
  running = await startFeedback(namespace, env, at('2026-10-12 09:00'));
  replica = await startFeedback(namespace, env, at('2026-10-12 09:00'));
  await publishTree(running, namespace, [city, district]);
});

afterAll(async () => {
  await running?.stop();
  await replica?.stop();
  await cleanupNamespace(namespace);
});

const submit = (draft: pb.MessageDraft, clientAddress = '', on: RunningFeedback = running) =>
  caller(() => on)('submitMessage', { draft, clientAddress }, asPublic());

describe('abuse control', () => {
  test('three messages a day from one contact, however many replicas take them; the next day again', async () => {
    const contact = '13700000001';
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => submit(draftTo(city.id, { contact }), '', i % 2 ? replica : running)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    const refused = await errorOf(submit(draftTo(city.id, { contact })));
    // 15 hours to the province's midnight.
    expect(refused).toMatchObject({
      code: 'FEEDBACK_SUBMISSION_LIMIT',
      grpc: 8,
      details: { limit: '3', per: 'contact', retryAfterSeconds: String(15 * 3600) },
    });
    running.clock.now = at('2026-10-13 09:00');
    await submit(draftTo(city.id, { contact }));
    running.clock.now = at('2026-10-12 09:00');
  });

  test('a client address has its own limit, shared by every contact writing from it', async () => {
    for (let i = 0; i < 6; i++) await submit(draftTo(city.id), '198.51.100.9');
    expect(await errorOf(submit(draftTo(city.id), '198.51.100.9'))).toMatchObject({
      code: 'FEEDBACK_SUBMISSION_LIMIT',
      details: { per: 'address', limit: '6' },
    });
    // The contact's slot taken for the refused attempt was given back.
    const contact = '13700000002';
    await expect(submit(draftTo(city.id, { contact }), '198.51.100.9')).rejects.toBeDefined();
    for (let i = 0; i < 3; i++) await submit(draftTo(city.id, { contact }), '198.51.100.10');
  });

  test('a slot given back is taken again, however low its number; a full day takes none', async () => {
    const quotas = new SubmissionQuotas(running.app.connection);
    const taken = [await quotas.take('test:holes', '2026-10-12', 3), await quotas.take('test:holes', '2026-10-12', 3)];
    const third = await quotas.take('test:holes', '2026-10-12', 3);
    expect(await quotas.take('test:holes', '2026-10-12', 3)).toBeUndefined();
    await quotas.release(taken[0]!);
    expect(await quotas.take('test:holes', '2026-10-12', 3)).toBe(taken[0]);
    expect(await quotas.take('test:holes', '2026-10-12', 3)).toBeUndefined();
    expect(new Set([...taken, third]).size).toBe(3);
    expect(await quotas.take('test:holes', '2026-10-13', 3)).toBeDefined();
  });
});
