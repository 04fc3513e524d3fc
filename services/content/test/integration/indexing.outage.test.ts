/**
 * The outbox and the indexer against the real document store, NATS JetStream and
 * Elasticsearch: no event is lost when NATS goes away, none is indexed twice, and a stopped
 * indexer catches up.
 */
import { cleanupNamespace, ensureStack, stackUrls, startComponent, stopComponent, uniqueNamespace, waitFor } from '@repo/testbed';
import { connect } from 'nats';
import { applyStep, documentEvents, type ContentDocument, type WorkflowAction } from '../../src/domain/document';
import { samplePolicy, startContent, type RunningContent } from '../support';

jest.setTimeout(180_000);

const editor = 'editor-1';
const reviewer = 'reviewer-1';

async function step(running: RunningContent, doc: ContentDocument, action: WorkflowAction, actor: string): Promise<ContentDocument> {
  const current = await running.app.documents.get(doc.id);
  return running.app.documents.recordStep(current, applyStep(current, action, actor, new Date().toISOString()), documentEvents[action]);
}

/** Creates documents and takes them to `approved`, ready to publish. */
async function approvedDocuments(running: RunningContent, count: number): Promise<ContentDocument[]> {
  const docs: ContentDocument[] = [];
  for (let i = 0; i < count; i++) {
    let doc = await running.app.documents.create(samplePolicy(), editor, '/1/');
    doc = await step(running, doc, 'submit', editor);
    docs.push(await step(running, doc, 'approve', reviewer));
  }
  return docs;
}

/** How many `published` events the stream holds: exactly one per document when de-duplication works. */
async function publishedEventsInStream(namespace: string): Promise<number> {
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const subject = `${namespace}.${documentEvents.publish}`;
    const info = await jsm.streams.info(`${namespace.toUpperCase()}_CONTENT`, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

describe('indexing through the outbox and JetStream', () => {
  const namespace = uniqueNamespace('idx');
  let running: RunningContent | undefined;

  beforeAll(async () => {
    await ensureStack();
  });

  afterEach(async () => {
    await running?.app.stop();
    running = undefined;
  });

  afterAll(async () => {
    await ensureStack(['nats']);
    await cleanupNamespace(namespace);
  });

  test('NATS stopped while documents are published: every one is indexed exactly once', async () => {
    running = await startContent(namespace);
    const docs = await approvedDocuments(running, 24);

    for (const [i, doc] of docs.entries()) {
      if (i === 8) await stopComponent('nats');
      await step(running, doc, 'publish', editor);
    }
    // Writes kept succeeding while NATS was down; their events wait in the outbox.
    await startComponent('nats');

    const index = running.app.search;
    await waitFor(async () => (await index.count()) === docs.length, { timeoutMs: 60_000, what: `${docs.length} indexed documents` });
    const ids = new Set((await index.queries.search({ text: '', page: 1, size: 50 })).hits.map((h) => h.id));
    expect(ids).toEqual(new Set(docs.map((d) => d.id)));
    // Outboxes drained, and each publication reached the stream once.
    await waitFor(async () => (await running!.app.documents.model.countDocuments({ 'outbox.0': { $exists: true } })) === 0, {
      what: 'empty outboxes',
    });
    expect(await publishedEventsInStream(namespace)).toBe(docs.length);
  });

  test('the content service stopped mid-stream: the indexer catches up after a restart', async () => {
    running = await startContent(namespace);
    const before = await running.app.search.count();
    const docs = await approvedDocuments(running, 10);

    // The indexer stops first, so published events pile up in the stream unconsumed.
    await running.app.indexer.stop();
    for (const doc of docs) await step(running, doc, 'publish', editor);
    await waitFor(async () => (await running!.app.documents.model.countDocuments({ 'outbox.0': { $exists: true } })) === 0, {
      what: 'events handed to JetStream',
    });
    expect(await running.app.search.count()).toBe(before);
    await running.app.stop();

    running = await startContent(namespace);
    await waitFor(async () => (await running!.app.search.count()) === before + docs.length, {
      timeoutMs: 30_000,
      what: 'the indexer to catch up',
    });
    // A withdrawal after the restart leaves the index again.
    await step(running, await running.app.documents.get(docs[0]!.id), 'withdraw', editor);
    await waitFor(async () => (await running!.app.search.count()) === before + docs.length - 1, { what: 'withdrawn document removed' });
  });
});
