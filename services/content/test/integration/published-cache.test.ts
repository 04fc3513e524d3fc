/**
 * Two replicas of the content service share a store and a bus: each keeps published documents
 * it has read in memory, and forgets one as soon as either replica changes it.
 */
import { cleanupNamespace, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { applyStep, documentEvents, type ContentDocument, type WorkflowAction } from '../../src/domain/document';
import { samplePolicy, startContent, type RunningContent } from '../support';

jest.setTimeout(60_000);

const namespace = uniqueNamespace('cache');
let one: RunningContent;
let two: RunningContent;

beforeAll(async () => {
  await ensureStack();
  one = await startContent(namespace);
  two = await startContent(namespace);
});

afterAll(async () => {
  await one?.app.stop();
  await two?.app.stop();
  await cleanupNamespace(namespace);
});

async function step(replica: RunningContent, doc: ContentDocument, action: WorkflowAction): Promise<ContentDocument> {
  return replica.app.documents.recordStep(
    doc,
    applyStep(doc, action, action === 'submit' ? 'editor-1' : 'reviewer-1', new Date().toISOString()),
    documentEvents[action],
  );
}

test('a published document is read from memory until either replica changes it', async () => {
  let doc = await one.app.documents.create(samplePolicy(), 'editor-1', '/1/');
  for (const action of ['submit', 'approve', 'publish'] as WorkflowAction[]) doc = await step(one, doc, action);
  const { published } = one.app.documents;
  expect((await one.app.documents.read(doc.id)).status).toBe('published');
  // A read that overlaps a change notice (this replica's own submit, approve and publish events
  // arrive over the bus a moment after the writes) is not kept, so reading may take a few tries.
  await waitFor(async () => (await one.app.documents.read(doc.id)) && published.get(doc.id)?.revision === doc.revision, {
    what: 'the published document to be kept in memory',
  });

  // The other replica withdraws it: the event reaches this one, which forgets it.
  await step(two, doc, 'withdraw');
  await waitFor(async () => (await one.app.documents.read(doc.id)).status === 'withdrawn', {
    what: 'the withdrawal to reach the other replica',
  });
  expect(published.get(doc.id)).toBeUndefined();
});

test('a replica that changes a document never answers the old version', async () => {
  let doc = await one.app.documents.create(samplePolicy(), 'editor-1', '/1/');
  for (const action of ['submit', 'approve', 'publish'] as WorkflowAction[]) doc = await step(one, doc, action);
  await one.app.documents.read(doc.id);
  await step(one, doc, 'withdraw');
  expect((await one.app.documents.read(doc.id)).status).toBe('withdrawn');
});
