/** An operator edits the synonyms file; searches use the new synonyms without a reindex or restart. */
import { appendFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupNamespace, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { applyStep, documentEvents, type WorkflowAction } from '../../src/domain/document';
import { defaultDictDir } from '@repo/text';
import { samplePolicy, startContent, type RunningContent } from '../support';

jest.setTimeout(60_000);

const namespace = uniqueNamespace('syn');
const synonymsPath = join(mkdtempSync(join(tmpdir(), 'synonyms-')), 'synonyms.txt');
let running: RunningContent;

beforeAll(async () => {
  await ensureStack();
  copyFileSync(join(defaultDictDir(), 'synonyms.txt'), synonymsPath);
  running = await startContent(namespace, { SEARCH_SYNONYMS_FILE: synonymsPath });
});

afterAll(async () => {
  await running?.app.stop();
  await cleanupNamespace(namespace);
});

test('a synonym added to the file is used within seconds', async () => {
  const { documents, search } = running.app;
  let doc = await documents.create({ ...samplePolicy(), title: '关于深入践行网上群众路线的通知' }, 'editor-1', '/1/');
  for (const [action, actor] of [
    ['submit', 'editor-1'],
    ['approve', 'reviewer-1'],
    ['publish', 'reviewer-1'],
  ] as [WorkflowAction, string][]) {
    doc = await documents.recordStep(doc, applyStep(doc, action, actor, new Date().toISOString()), documentEvents[action]);
  }
  await waitFor(async () => (await search.queries.search({ text: '网上群众路线', page: 1, size: 5 })).total === 1, {
    what: 'the document indexed',
  });
  // Without the synonym, at most a relaxed search (some of the words) finds it.
  const before = await search.queries.search({ text: '网群路线', page: 1, size: 5 });
  expect(before.total === 0 || before.relaxed !== undefined).toBe(true);

  appendFileSync(synonymsPath, '\n网群路线, 网上群众路线\n');
  const found = await waitFor(
    async () => {
      const result = await search.queries.search({ text: '网群路线', page: 1, size: 5 });
      return result.total > 0 && !result.relaxed ? result : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 500, what: 'the new synonym to apply' },
  );
  expect(found.hits[0]?.id).toBe(doc.id);
});
