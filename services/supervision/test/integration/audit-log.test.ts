/**
 * The audit log on the real store and NATS: every stream taken in once per event, checkpoints and
 * proofs that the reference implementation accepts, scoped queries, the witness's refusals, a
 * restart after a crash, a second replica taking over, and a log on SM3.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { connectMongo } from '@repo/db';
import type { EventEnvelope } from '@repo/bus';
import { createLogger } from '@repo/logging';
import type * as pb from '@repo/proto/supervision/v1';
import { cleanupNamespace, ensureStack, stackEnv, uniqueNamespace, waitFor } from '@repo/testbed';
import { canonicalJson } from '../../src/domain/canonical-json';
import { rootOf, TreeHasher, verifyConsistency, verifyInclusion } from '../../src/domain/merkle';
import { checkpointText, formatNote, NoteSigner, parseNote, signatureTypes } from '../../src/domain/note';
import { loggedDomains } from '../../src/audit/module';
import { Witness } from '../../src/audit/witness';
import { AuditTreeStore } from '../../src/store/audit-tree';
import { askReference } from '../reference/merkle-reference';
import {
  as,
  checkpointCovering,
  countyInspector,
  ed25519Pem,
  EventFeed,
  listEntries,
  otherCountyInspector,
  provincialInspector,
  startSupervision,
  superAdmin,
  type RunningSupervision,
} from '../support';

jest.setTimeout(90_000);

const namespace = uniqueNamespace('auditlog');
let running: RunningSupervision;
let feed: EventFeed;
const sha256 = new TreeHasher('sha256');

beforeAll(async () => {
  await ensureStack(['ferretdb', 'nats']);
  running = await startSupervision(namespace);
  feed = await EventFeed.open(namespace);
});

afterAll(async () => {
  await feed?.close();
  await running?.stop();
  await cleanupNamespace(namespace);
});

const code = (err: unknown) => (err as ServiceError).code;

/** Waits until the event is in a signed checkpoint of `target`. */
async function logged(target: RunningSupervision, eventId: string) {
  return waitFor(
    async () =>
      (await target.audit.call('getInclusionProof', { index: '0', eventId, treeSize: '0' }, await as(superAdmin)).catch(() => undefined)) ??
      false,
    {
      what: `event ${eventId} in a checkpoint`,
    },
  );
}

/** Every entry of the log, oldest first, as a superAdmin reads them. */
async function allEntries(target = running) {
  const entries = [];
  let pageToken = '';
  do {
    const page = await listEntries(target, superAdmin, { pageSize: 200, pageToken });
    entries.push(...page.entries);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return entries.reverse();
}

/** The leaves of the log's first `size` entries, as the export gives them. */
async function leaves(size: number, target = running) {
  const exported = await target.audit.call('exportAuditEntries', { start: '0', end: String(size) }, await as(superAdmin));
  return exported.entries.map((e) => Buffer.from(e.leaf));
}

test('every stream of the platform is logged, one leaf per event id whatever the redeliveries', async () => {
  const published: EventEnvelope[] = [];
  for (const domain of loggedDomains) published.push(await feed.publish({ type: `${domain}.thing.happened`, data: { domain } }));
  await feed.republish(published[0]!);
  await feed.republish(published[1]!);
  await feed.publish({ type: 'member.member.updated', id: published[2]!.id, data: { again: true } });
  await feed.publishGarbage('content.document.created');
  const checkpoint = await checkpointCovering(running, published.length);
  const logged = await allEntries();
  const ids = logged.map((e) => e.eventId);
  for (const event of published) expect(ids.filter((id) => id === event.id)).toHaveLength(1);
  expect(Number(checkpoint.size)).toBe(logged.length);
  // The leaf is the envelope's canonical JSON.
  const first = logged.find((e) => e.eventId === published[0]!.id)!;
  const { id, type, occurredAt, actor, orgPath, subjectId, data } = published[0]!;
  expect(first.leaf).toBe(canonicalJson({ id, type, occurredAt, actor, orgPath, subjectId, data }));
});

test('checkpoints open with transparency-dev/formats, and the proofs the API gives verify here and there', async () => {
  for (let i = 0; i < 12; i++) await feed.publish({ type: 'content.document.updated', data: { i } });
  const before = await checkpointCovering(running, 12);
  // Proofs are asked as a superAdmin: the log's own entries (the reads and exports above, with
  // the superAdmin's '/' as their organisation) may sit at any index, and no inspector sees those.
  // A proof at this size keeps the right edge's tile as it is now; the larger tree's proofs below need more of it.
  const early = await running.audit.call('getInclusionProof', { index: '5', eventId: '', treeSize: before.size }, await as(superAdmin));
  expect(verifyInclusion(sha256, 5, Number(before.size), early.leafHash, early.hashes, before.rootHash)).toBe(true);
  const paid: EventEnvelope[] = [];
  for (let i = 0; i < 7; i++) paid.push(await feed.publish({ type: 'member.dues.paid', orgPath: '/1/7/', data: { i } }));
  const after = await checkpointCovering(running, Number(before.size) + 7, { witnessed: true });
  const { logKey: logVkey, witnessKey: witnessVkey } = await running.audit.call('getCheckpoint', { witnessed: true }, await as({}));
  const size = Number(after.size);
  const logLeaves = await leaves(size);
  const inclusion = [];
  for (const index of [0, 5, size - 1]) {
    const proof = await running.audit.call(
      'getInclusionProof',
      { index: String(index), eventId: '', treeSize: String(size) },
      await as(superAdmin),
    );
    expect(verifyInclusion(sha256, index, size, proof.leafHash, proof.hashes, after.rootHash)).toBe(true);
    inclusion.push({ index, size, proof: proof.hashes });
  }
  const consistency = await running.audit.call('getConsistencyProof', { firstSize: before.size, secondSize: after.size }, await as({}));
  expect(verifyConsistency(sha256, Number(before.size), size, before.rootHash, after.rootHash, consistency.hashes)).toBe(true);
  const reference = askReference({
    leaves: logLeaves,
    inclusion,
    consistency: [{ first: Number(before.size), second: size, proof: consistency.hashes }],
    checkpoints: [{ note: after.note, origin: after.origin, logKey: logVkey, witnessKey: witnessVkey }],
  });
  expect(reference.roots[size]).toBe(after.rootHash.toString('hex'));
  expect(reference.verified).toEqual({ inclusion: [true, true, true], consistency: [true] });
  expect(reference.checkpoints![0]).toMatchObject({ size, root: after.rootHash.toString('hex'), signatures: 2, error: '' });
  // An inspector has proofs of the entries in their scope only; the leaf hash is the tree's either way.
  const scoped = await running.audit.call(
    'getInclusionProof',
    { index: '0', eventId: paid[6]!.id, treeSize: String(size) },
    await as(countyInspector),
  );
  expect(verifyInclusion(sha256, Number(scoped.index), size, scoped.leafHash, scoped.hashes, after.rootHash)).toBe(true);
  expect(scoped.leafHash.equals(sha256.leaf(logLeaves[Number(scoped.index)]!))).toBe(true);
  await expect(
    running.audit.call('getInclusionProof', { index: scoped.index, eventId: '', treeSize: String(size) }, await as(otherCountyInspector)),
  ).rejects.toMatchObject({ code: status.NOT_FOUND });
  // By event id, too, and no proof beyond what the log signed.
  const byEvent = await running.audit.call(
    'getInclusionProof',
    { index: '0', eventId: JSON.parse(logLeaves[3]!.toString()).id, treeSize: '0' },
    await as(superAdmin),
  );
  expect(Number(byEvent.index)).toBe(3);
  await expect(
    running.audit.call('getConsistencyProof', { firstSize: '1', secondSize: String(size + 1000) }, await as({})),
  ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  await expect(
    running.audit.call('getInclusionProof', { index: '1', eventId: '', treeSize: String(size + 1000) }, await as(superAdmin)),
  ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  // Any size inside the signed tree is a tree to prove against, whether or not a checkpoint was signed at it.
  const between = Number(before.size) + 1;
  const unsigned = await running.audit.call(
    'getInclusionProof',
    { index: '1', eventId: '', treeSize: String(between) },
    await as(superAdmin),
  );
  expect(verifyInclusion(sha256, 1, between, unsigned.leafHash, unsigned.hashes, rootOf(sha256, logLeaves.slice(0, between)))).toBe(true);
  expect(unsigned.treeSize).toBe(String(between));
});

test('entries are found by actor, object, organisation, type and time, within the reader’s scope', async () => {
  const subject = `case-object-${Date.now()}`;
  const t0 = new Date();
  for (const orgPath of ['/1/7/42/', '/1/8/']) {
    await feed.publish({
      type: 'member.member.nationalIdRevealed',
      actor: 'secretary-9',
      orgPath,
      subjectId: subject,
      data: { reason: '核对档案' },
    });
  }
  await feed.publish({ type: 'member.member.updated', actor: 'secretary-9', orgPath: '/1/7/', subjectId: subject, data: {} });
  await feed.publish({ type: 'member.member.updated', actor: 'someone-else', orgPath: '/1/7/', subjectId: subject, data: {} });
  const last = await feed.publish({ type: 'content.document.created', actor: 'secretary-9', orgPath: '', subjectId: 'doc-9', data: {} });
  await logged(running, last.id);
  const list = async (caller: typeof superAdmin, filter: Partial<pb.ListAuditEntriesRequest>, pageSize = 50, pageToken = '') =>
    listEntries(running, caller, { pageSize, pageToken, ...filter });

  const bySubject = await list(superAdmin, { subjectId: subject });
  expect(bySubject.entries.map((e) => e.orgPath)).toEqual(['/1/7/', '/1/7/', '/1/8/', '/1/7/42/']);
  expect(
    (await list(superAdmin, { subjectId: subject, actor: 'secretary-9', type: 'member.member.nationalIdRevealed' })).entries,
  ).toHaveLength(2);
  expect((await list(countyInspector, { subjectId: subject })).entries.map((e) => e.orgPath)).toEqual(['/1/7/', '/1/7/', '/1/7/42/']);
  expect((await list(otherCountyInspector, { subjectId: subject })).entries.map((e) => e.orgPath)).toEqual(['/1/8/']);
  expect((await list(countyInspector, { subjectId: subject, orgPath: '/1/7/42/' })).entries).toHaveLength(1);
  // An entry without an organisation is a superAdmin's only.
  expect((await list(provincialInspector, { actor: 'secretary-9', subjectId: 'doc-9' })).entries).toHaveLength(0);
  expect((await list(superAdmin, { actor: 'secretary-9', subjectId: 'doc-9' })).entries).toHaveLength(1);
  // Time: nothing of these before t0, all of them after.
  expect((await list(superAdmin, { subjectId: subject, occurredTo: t0.toISOString() })).entries).toHaveLength(0);
  expect((await list(superAdmin, { subjectId: subject, occurredFrom: t0.toISOString() })).entries).toHaveLength(4);
  // Pages follow each other without gaps or repeats.
  const first = await list(superAdmin, { subjectId: subject }, 3);
  expect(first.entries).toHaveLength(3);
  const second = await list(superAdmin, { subjectId: subject }, 3, first.nextPageToken);
  expect([...first.entries, ...second.entries].map((e) => e.index)).toEqual(bySubject.entries.map((e) => e.index));
  await expect(list(superAdmin, { actor: 'x' }, 3, first.nextPageToken)).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringContaining('pageToken'),
  });

  await expect(list(countyInspector, { orgPath: '/1/8/' })).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringContaining('orgPath'),
  });
  await expect(list({ userId: 'm-1', roles: ['member'], orgPath: '/1/7/' }, {})).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
  await expect(list({ userId: '', roles: [], orgPath: '' }, {})).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  const outside = bySubject.entries.find((e) => e.orgPath === '/1/8/')!;
  expect(
    code(await running.audit.call('getAuditEntry', { index: outside.index }, await as(countyInspector)).catch((e: unknown) => e)),
  ).toBe(status.NOT_FOUND);
  expect((await running.audit.call('getAuditEntry', { index: outside.index }, await as(otherCountyInspector))).entry!.subjectId).toBe(
    subject,
  );
});

test('reading the log is on the log: each query becomes an entry naming the reader', async () => {
  const reader = { userId: 'inspector-reads', roles: ['inspector'], orgPath: '/1/7/' };
  await listEntries(running, reader, { type: 'member.member.updated', pageSize: 5 });
  const entry = await waitFor(
    async () => {
      const page = await listEntries(running, superAdmin, { type: 'supervision.audit.read', actor: reader.userId, pageSize: 5 });
      return page.entries[0];
    },
    { what: 'the read in the log' },
  );
  expect(JSON.parse(entry.leaf).data).toMatchObject({ request: { type: 'member.member.updated', orgPath: '/1/7/' } });
  expect(entry.orgPath).toBe('/1/7/');
});

describe('the witness', () => {
  // A log of its own, shown to a witness of its own: what the witness cosigns or refuses is what it is shown.
  const fakeLog = new NoteSigner(`witness-test-${namespace}.example/log/sha256`, ed25519Pem(), signatureTypes.ed25519);
  const otherRoot = Buffer.alloc(32, 9);
  let latest: string | undefined;
  const signed = (size: number, root: Buffer) => {
    const text = checkpointText({ origin: fakeLog.name, size, root });
    return formatNote(text, [fakeLog.signatureLine(text)]);
  };

  test('cosigns a log that grows consistently, refuses a rewrite, a second root for a size and a shrinking log', async () => {
    const store = running.app.audit.witnessStore;
    const cosigned: number[] = [];
    const witness = new Witness(
      store,
      new NoteSigner('witness.test/own', ed25519Pem(), signatureTypes.cosignatureV1),
      fakeLog.verifier,
      sha256,
      {
        latestCheckpoint: async () => latest,
        // The one proof this log is asked for: from two leaves to four, the hash of the last two.
        consistency: async (first, second) =>
          first === 2 && second === 4 ? [sha256.children(sha256.leaf(Buffer.from('c')), sha256.leaf(Buffer.from('d')))] : [],
        addCosignature: async (size) => void cosigned.push(size),
      },
      createLogger('witness-test', 'silent'),
    );
    const four = rootOf(
      sha256,
      ['a', 'b', 'c', 'd'].map((l) => Buffer.from(l)),
    );
    const two = rootOf(
      sha256,
      ['a', 'b'].map((l) => Buffer.from(l)),
    );
    latest = signed(2, two);
    expect(await witness.observe()).toEqual({ cosigned: 2 });
    latest = signed(4, four);
    expect(await witness.observe()).toEqual({ cosigned: 4 });
    expect(await witness.observe()).toEqual({ unchanged: 4 });
    latest = signed(4, otherRoot);
    expect(await witness.observe()).toEqual({ refused: 'a second root for size 4' });
    latest = signed(3, otherRoot);
    expect(await witness.observe()).toEqual({ refused: 'the log went back from 4 to 3 entries' });
    latest = signed(9, otherRoot);
    expect(await witness.observe()).toEqual({ refused: 'the tree of 9 entries does not extend the one of 4 it cosigned' });
    expect(cosigned).toEqual([2, 4]);
    // Even a witness that lost its head never signs a second root for a size it claimed.
    await running.app.connection.db!.collection('witnessHeads').deleteOne({ _id: fakeLog.name as never });
    latest = signed(4, otherRoot);
    expect(await witness.observe()).toEqual({ refused: 'a second root for size 4' });
    // Its cosignature verifies, and its refusals were published for the log to keep.
    latest = signed(4, four);
    expect(await witness.observe()).toEqual({ cosigned: 4 });
    const head = (await store.head(fakeLog.name))!;
    expect(parseNote(head.note).signatures.map((s) => s.name)).toEqual([fakeLog.name, 'witness.test/own']);
    const refusals = await waitFor(
      async () => {
        const page = await listEntries(running, superAdmin, { type: 'supervision.witness.refused', subjectId: fakeLog.name, pageSize: 10 });
        return page.entries.length >= 3 ? page.entries : undefined;
      },
      { what: 'the refusals in the log' },
    );
    expect(refusals.map((e) => (JSON.parse(e.leaf) as { data: { reason: string } }).data.reason)).toContain('a second root for size 4');
  });
});

test('a restarted log takes in the entries a crash left past its head and goes on', async () => {
  const before = await checkpointCovering(running, 1);
  await running.stop();
  const size = Number(before.size);
  // As if the last writer died after inserting a batch and before moving the head.
  const connection = await connectMongo({ url: stackEnv(namespace).MONGO_URL!, logger: createLogger('crash', 'silent') });
  const tree = new AuditTreeStore(connection);
  const head = (await tree.head())!;
  const orphan = {
    id: 'orphan-event',
    type: 'content.document.published',
    occurredAt: new Date().toISOString(),
    actor: 'editor-1',
    orgPath: '/1/',
    subjectId: 'doc-orphan',
    data: {},
  };
  await tree.insertEntries([
    {
      eventId: orphan.id,
      type: orphan.type,
      actor: orphan.actor,
      subjectId: orphan.subjectId,
      orgPath: '/1/',
      orgScopes: ['/', '/1/'],
      occurredAt: orphan.occurredAt,
      index: head.size,
      loggedAt: orphan.occurredAt,
      leaf: canonicalJson(orphan),
    },
  ]);
  await connection.close();
  running = await startSupervision(namespace);
  // The orphan's event is delivered again (it was never acknowledged): still one leaf.
  await feed.publish({ ...orphan, type: orphan.type });
  const next = await feed.publish({ type: 'content.document.updated' });
  const after = await checkpointCovering(running, head.size + 2, { witnessed: true });
  const ids = (await leaves(Number(after.size))).map((leaf) => (JSON.parse(leaf.toString()) as { id: string }).id);
  expect(ids.filter((id) => id === orphan.id)).toHaveLength(1);
  expect(ids.indexOf(orphan.id)).toBe(head.size);
  expect(ids).toContain(next.id);
  expect(Number(after.size)).toBeGreaterThan(size);
});

test('a lease holder that dies between checkpoints: the next takes in what it appended and signs a tree the witness accepts', async () => {
  const before = await checkpointCovering(running, 1, { witnessed: true });
  await running.stop();
  // A holder that signs only once a minute: what it appends is stored as entries and nothing else.
  const dying = await startSupervision(namespace, { AUDIT_CHECKPOINT_INTERVAL_MS: '60000' });
  const stored = (await dying.app.audit.tree.head())!.size;
  const appended: EventEnvelope[] = [];
  for (let i = 0; i < 30; i++) appended.push(await feed.publish({ type: 'content.document.updated', data: { i } }));
  await waitFor(async () => (await dying.app.audit.tree.entriesFrom(stored)).length >= 30, { what: 'the entries past the head' });
  // It dies: its tree in memory is lost, and so is any chance to store it or sign (its stop finds nothing to flush).
  await dying.app.audit.sequencer.stop();
  expect((await dying.app.audit.tree.head())!.size).toBe(stored);
  await dying.stop();
  const whileDown = await feed.publish({ type: 'member.meeting.recorded' });
  running = await startSupervision(namespace);
  const after = await checkpointCovering(running, stored + 31, { witnessed: true });
  const size = Number(after.size);
  const ids = (await leaves(size)).map((leaf) => (JSON.parse(leaf.toString()) as { id: string }).id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const event of [...appended, whileDown]) expect(ids).toContain(event.id);
  // The same order as appended, and no fork: the new tree extends what the witness cosigned before.
  expect(appended.map((e) => ids.indexOf(e.id))).toEqual(appended.map((_, i) => ids.indexOf(appended[0]!.id) + i));
  const { hashes } = await running.audit.call('getConsistencyProof', { firstSize: before.size, secondSize: after.size }, await as({}));
  expect(verifyConsistency(sha256, Number(before.size), size, before.rootHash, after.rootHash, hashes)).toBe(true);
  expect(rootOf(sha256, await leaves(size)).equals(after.rootHash)).toBe(true);
});

test('a second replica appends only when the first stops, and the witness follows the log across the change', async () => {
  const second = await startSupervision(namespace);
  try {
    let last;
    for (let i = 0; i < 5; i++) last = await feed.publish({ type: 'content.document.published', data: { i } });
    await logged(running, last!.id);
    const start = await checkpointCovering(running, 1);
    expect(running.app.audit.lease.held).toBe(true);
    expect(second.app.audit.lease.held).toBe(false);
    await running.stop();
    await waitFor(async () => second.app.audit.lease.held, { timeoutMs: 10_000, what: 'the second replica to take over' });
    const events = [];
    for (let i = 0; i < 5; i++) events.push(await feed.publish({ type: 'member.meeting.recorded', data: { i } }));
    const after = await checkpointCovering(second, Number(start.size) + 5, { witnessed: true });
    const ids = (await leaves(Number(after.size), second)).map((leaf) => (JSON.parse(leaf.toString()) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of events) expect(ids).toContain(event.id);
  } finally {
    running = second;
  }
});

test('a log whose stored tree no longer extends what it signed refuses to append or sign', async () => {
  await checkpointCovering(running, 1);
  await running.stop();
  const connection = await connectMongo({ url: stackEnv(namespace).MONGO_URL!, logger: createLogger('tamper', 'silent') });
  const signed = (await connection.db!.collection('auditCheckpointPointers').findOne({ _id: 'signed' as never }))!.size as number;
  // Someone drops every entry but the first and moves the head back, as if they had never been.
  await connection.db!.collection('auditEntries').deleteMany({ index: { $gte: 1 } });
  const tile = await connection.db!.collection('auditTiles').findOne({ _id: '0/0' as never });
  const firstLeaf = Buffer.from((tile!.hashes as { buffer: Uint8Array }).buffer).subarray(0, 32);
  await connection.db!.collection('auditHead').updateOne({ _id: 'head' as never }, { $set: { size: 1, frontier: [firstLeaf] } });
  await connection.close();
  running = await startSupervision(namespace);
  await expect(running.app.audit.sequencer.append([])).rejects.toThrow(/does not extend the checkpoint the log signed/);
  await feed.publish({ type: 'content.document.created' });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const { checkpoint } = await running.audit.call('getCheckpoint', { witnessed: false }, await as({}));
  expect(Number(checkpoint!.size)).toBe(signed);
});

test('a log on SM3 names its hash in its origin and its tree is the SM3 tree of its leaves', async () => {
  const sm3Namespace = uniqueNamespace('auditsm3');
  let sm3Log = await startSupervision(sm3Namespace, { AUDIT_LOG_HASH: 'sm3' });
  const sm3Feed = await EventFeed.open(sm3Namespace);
  try {
    for (let i = 0; i < 6; i++) await sm3Feed.publish({ type: 'member.meeting.recorded', data: { i } });
    const checkpoint = await checkpointCovering(sm3Log, 6, { witnessed: true });
    expect(checkpoint.origin).toBe('audit.partybuilding.local/supervision/sm3');
    const sm3 = new TreeHasher('sm3');
    expect(rootOf(sm3, await leaves(Number(checkpoint.size), sm3Log)).equals(checkpoint.rootHash)).toBe(true);
    const proof = await sm3Log.audit.call(
      'getInclusionProof',
      { index: '2', eventId: '', treeSize: checkpoint.size },
      await as(superAdmin),
    );
    expect(verifyInclusion(sm3, 2, Number(checkpoint.size), proof.leafHash, proof.hashes, checkpoint.rootHash)).toBe(true);
    // A log started on one hash does not go on with the other.
    await sm3Log.stop();
    sm3Log = await startSupervision(sm3Namespace, { AUDIT_LOG_HASH: 'sha256' });
    await expect(sm3Log.app.audit.sequencer.append([])).rejects.toThrow(/the stored log is audit.partybuilding.local\/supervision\/sm3/);
  } finally {
    await sm3Log.stop();
    await sm3Feed.close();
    await cleanupNamespace(sm3Namespace);
  }
});
