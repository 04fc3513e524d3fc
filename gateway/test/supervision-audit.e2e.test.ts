/**
 * The audit log through the gateway, and its export checked offline by `npm run audit:verify`
 * (services/supervision/dist/verify.js): an honest export verifies; an entry edited in the store,
 * two entries swapped, and the newest entries deleted are each found and named.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectBus, createEvent, EventPublisher, type Bus } from '@repo/bus';
import { createLogger } from '@repo/logging';
import type { SupervisionApp } from '@repo/supervision/app';
import { bearer, repoRoot, stackUrls, waitFor } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Call, type Platform } from './support';

jest.setTimeout(120_000);

const run = promisify(execFile);
const superAdmin = bearer({ userId: 'admin-1', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
const inspector = bearer({ userId: 'inspector-7', roles: ['inspector'], orgPath: '/1/7/' }, tokenSecret);
const member = bearer({ userId: 'member-7', roles: ['member'], orgPath: '/1/7/' }, tokenSecret);

let platform: Platform;
let call: Call;
let bus: Bus;
let publisher: EventPublisher;
let dir: string;

beforeAll(async () => {
  platform = await startPlatform({ AUDIT_CHECKPOINT_INTERVAL_MS: '100', AUDIT_WITNESS_INTERVAL_MS: '150' }, { only: ['supervision'] });
  call = httpCaller(platform);
  bus = await connectBus({
    url: stackUrls().natsUrl,
    logger: createLogger('feed', 'silent'),
    name: 'audit-e2e',
    namespace: platform.namespace,
  });
  publisher = new EventPublisher(bus);
  dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
  for (let i = 0; i < 30; i++) {
    await publisher.publish(
      createEvent({
        type: i % 2 ? 'member.member.updated' : 'content.document.published',
        actor: `user-${i % 4}`,
        orgPath: i % 3 ? '/1/7/' : '/1/8/',
        subjectId: `object-${i}`,
        data: { i },
      }),
    );
  }
  await witnessed(30);
});

afterAll(async () => {
  await bus?.close();
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface CheckpointAnswer {
  checkpoint: { size: number; note: string; witnessed: boolean; origin: string; rootHash: string };
  logKey: string;
  witnessKey: string;
}

/** The witness's latest checkpoint once it covers `size` entries: what a verifier keeps. */
async function witnessed(size: number): Promise<CheckpointAnswer> {
  return waitFor(
    async () => {
      const answer = await call('GET', '/api/v1/audit/checkpoint?witnessed=true');
      const body = answer.body as unknown as CheckpointAnswer;
      return answer.status === 200 && body.checkpoint.size >= size ? body : undefined;
    },
    { timeoutMs: 20_000, what: `a witnessed checkpoint of ${size}` },
  );
}

/** Exports the log through the gateway into a file. */
async function exportTo(name: string): Promise<string> {
  const response = await fetch(`${platform.baseUrl}/api/v1/audit/export`, { headers: superAdmin });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/x-ndjson');
  const file = join(dir, name);
  writeFileSync(file, await response.text());
  return file;
}

/** Runs the offline verifier as `npm run audit:verify` does, against a checkpoint kept before. */
async function verify(
  file: string,
  trusted: CheckpointAnswer,
): Promise<{ code: number; out: string; report: { ok: boolean; firstBadEntry?: number; problems: { kind: string }[] } }> {
  const checkpoint = join(dir, 'checkpoint.txt');
  writeFileSync(checkpoint, trusted.checkpoint.note);
  const args = [
    join(repoRoot(), 'services/supervision/dist/verify.js'),
    '--export',
    file,
    '--checkpoint',
    checkpoint,
    '--log-key',
    trusted.logKey,
    '--witness-key',
    trusted.witnessKey,
  ];
  const outcome = async (json: boolean) => {
    try {
      const { stdout } = await run(process.execPath, json ? [...args, '--json'] : args);
      return { code: 0, out: stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, out: e.stdout };
    }
  };
  const [text, json] = await Promise.all([outcome(false), outcome(true)]);
  expect(json.code).toBe(text.code);
  return { code: text.code, out: text.out, report: JSON.parse(json.out) };
}

const entries = () => (platform.apps.supervision as SupervisionApp).connection.db!.collection('auditEntries');

test('the checkpoint and the consistency proofs are public; entries are for inspectors within their scope', async () => {
  const { checkpoint, logKey } = await witnessed(30);
  expect(checkpoint.note).toContain(`${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash}\n\n— ${checkpoint.origin} `);
  expect(logKey.startsWith(`${checkpoint.origin}+`)).toBe(true);
  const proof = await call('GET', `/api/v1/audit/proofs/consistency?from=10&to=${checkpoint.size}`);
  expect(proof.status).toBe(200);
  expect((proof.body as unknown as { hashes: string[] }).hashes.length).toBeGreaterThan(0);

  const seen = await call('GET', '/api/v1/audit/entries?type=member.member.updated&pageSize=100', inspector);
  expect(seen.status).toBe(200);
  const listed = (seen.body as unknown as { entries: { orgPath: string; data: { i: number }; leaf: string }[] }).entries;
  expect(listed.length).toBeGreaterThan(0);
  expect(listed.every((e) => e.orgPath === '/1/7/')).toBe(true);
  expect(JSON.parse(listed[0]!.leaf).data).toEqual(listed[0]!.data);

  const index = (listed[0] as unknown as { index: number }).index;
  const inclusion = await call('GET', `/api/v1/audit/proofs/inclusion?index=${index}`, inspector);
  expect(inclusion.status).toBe(200);
  expect(inclusion.body).toMatchObject({ index, treeSize: expect.any(Number) });

  expect((await call('GET', '/api/v1/audit/entries', member)).status).toBe(403);
  expect((await call('GET', '/api/v1/audit/entries')).status).toBe(401);
  expect((await call('GET', '/api/v1/audit/export', inspector)).status).toBe(403);
  const bad = await call('GET', '/api/v1/audit/entries?from=yesterday', inspector);
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('from');
  expect((await call('GET', '/api/v1/audit/entries?orgPath=/1/8/', inspector)).status).toBe(400);
  expect((await call('GET', '/api/v1/audit/entries/999999', inspector)).status).toBe(404);
  // No route changes or removes an entry.
  for (const method of ['POST', 'PATCH', 'DELETE'] as const)
    expect((await call(method, `/api/v1/audit/entries/${index}`, superAdmin, {})).status).toBe(404);
});

test('an honest export verifies offline against the witnessed checkpoint', async () => {
  const trusted = await witnessed(30);
  const result = await verify(await exportTo('honest.jsonl'), trusted);
  expect(result.code).toBe(0);
  expect(result.out).toContain('OK: every entry is the one the log signed');
  expect(result.report.ok).toBe(true);
});

test('an entry edited in the store is named as the first bad entry', async () => {
  const trusted = await witnessed(30);
  const original = (await entries().findOne({ _id: '7' as never }))!;
  const edited = String(original.leaf).replace(/"actor":"[^"]*"/, '"actor":"someone-else"');
  expect(edited).not.toBe(original.leaf);
  await entries().updateOne({ _id: '7' as never }, { $set: { leaf: edited } });
  try {
    const result = await verify(await exportTo('edited.jsonl'), trusted);
    expect(result.code).toBe(1);
    expect(result.report.firstBadEntry).toBe(7);
    expect(result.out).toContain('the first bad entry is 7');
    expect(result.report.problems[0]!.kind).toBe('changedEntry');
  } finally {
    await entries().updateOne({ _id: '7' as never }, { $set: { leaf: original.leaf } });
  }
});

test('two entries swapped are found at the first of them', async () => {
  const trusted = await witnessed(30);
  const [a, b] = [(await entries().findOne({ _id: '11' as never }))!, (await entries().findOne({ _id: '20' as never }))!];
  await entries().updateOne({ _id: '11' as never }, { $set: { leaf: b.leaf } });
  await entries().updateOne({ _id: '20' as never }, { $set: { leaf: a.leaf } });
  try {
    const result = await verify(await exportTo('swapped.jsonl'), trusted);
    expect(result.code).toBe(1);
    expect(result.report.firstBadEntry).toBe(11);
  } finally {
    await entries().updateOne({ _id: '11' as never }, { $set: { leaf: a.leaf } });
    await entries().updateOne({ _id: '20' as never }, { $set: { leaf: b.leaf } });
  }
});

test('deleting the newest entries is found against the checkpoint the witness cosigned', async () => {
  const trusted = await witnessed(30);
  const size = trusted.checkpoint.size;
  await entries().deleteMany({ index: { $gte: size - 3 } });
  const result = await verify(await exportTo('truncated.jsonl'), trusted);
  expect(result.code).toBe(1);
  expect(result.report.firstBadEntry).toBe(size - 3);
  expect(result.report.problems[0]!.kind).toBe('missingEntries');
});
