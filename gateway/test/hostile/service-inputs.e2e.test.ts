/**
 * The gateway is not the only wall. Called over gRPC with a genuine assertion (as the gateway,
 * or a service on a caller's behalf, would call it), the content service itself refuses what the
 * gateway's schemas refuse — oversized fields and notes, too many topics or earlier queries,
 * pages past their bounds, an update mask naming fields nobody may set — with INVALID_ARGUMENT
 * VALIDATION_FAILED naming the field, and writes nothing.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { errorInfoKey, RpcClient } from '@repo/grpc';
import { ErrorInfo } from '@repo/proto/common/v1';
import * as pb from '@repo/proto/content/v1';
import { credentialsFor } from '@repo/testbed';
import { startPlatform, type Platform } from '../support';
import { documentDraft, documentTotal, send, superAdmin } from './hostile';

jest.setTimeout(120_000);

let platform: Platform;
let client: RpcClient<typeof pb.ContentServiceService>;
let draft: string;
let before: number;
// Not the one who submitted the draft, so a rejection reaches its checks.
const editor = { userId: 'hostile-other', roles: ['superAdmin'], orgPath: '/' };

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['content'] });
  client = new RpcClient(pb.ContentServiceService, platform.grpcAddresses.content!);
  draft = (await send(platform, 'POST', '/api/v1/documents', { headers: superAdmin, body: documentDraft() })).body.id;
  const submitted = await send(platform, 'POST', `/api/v1/documents/${draft}/submit`, { headers: superAdmin });
  expect(submitted.status).toBe(200);
  before = await documentTotal(platform);
});

afterEach(async () => {
  expect(await documentTotal(platform)).toBe(before);
  const current = await send(platform, 'GET', `/api/v1/documents/${draft}`, { headers: superAdmin });
  expect(current.body).toMatchObject({ status: 'inReview', revision: 2 });
});

afterAll(async () => {
  client?.close();
  await platform?.stop();
});

const draftOf = (overrides: Partial<pb.DocumentDraft> = {}) =>
  pb.DocumentDraft.create({
    kind: pb.DocumentKind.DOCUMENT_KIND_POLICY,
    title: '通知',
    agency: '中共江川省委组织部',
    docType: '通知',
    issuedAt: '2024-05-20',
    body: '正文',
    ...overrides,
  });

/** The call's refusal as `status code field…`, or 'OK' when it got through. */
async function refusal(call: (credentials: Awaited<ReturnType<typeof credentialsFor>>) => Promise<unknown>): Promise<string> {
  try {
    await call(await credentialsFor(editor));
    return 'OK';
  } catch (err) {
    const raw = (err as ServiceError).metadata?.get(errorInfoKey)[0];
    const info = Buffer.isBuffer(raw) ? ErrorInfo.decode(raw) : undefined;
    return `${status[(err as ServiceError).code]} ${info?.code} ${Object.keys(info?.details ?? {}).join(',')}`;
  }
}

test.each([
  [
    'a title of 1,000,000 characters',
    (c: never) => client.call('createDocument', { draft: draftOf({ title: '党'.repeat(1_000_000) }) }, c),
    'title',
  ],
  [
    '10,000 topics',
    (c: never) => client.call('createDocument', { draft: draftOf({ topics: Array.from({ length: 10_000 }, (_, i) => `t${i}`) }) }, c),
    'topics',
  ],
  [
    'a rejection note of 1,000,000 characters',
    (c: never) =>
      client.call('transitionDocument', { id: draft, action: pb.WorkflowAction.WORKFLOW_ACTION_REJECT, note: '驳'.repeat(1_000_000) }, c),
    'note',
  ],
  [
    'an update mask naming the status',
    (c: never) => client.call('updateDocument', { id: draft, draft: draftOf(), updateMask: ['status'], expectedRevision: 0 }, c),
    'status',
  ],
  [
    'an update mask naming the organisation path',
    (c: never) =>
      client.call('updateDocument', { id: draft, draft: draftOf(), updateMask: ['orgPath', 'createdBy'], expectedRevision: 0 }, c),
    'orgPath',
  ],
  [
    'a page of 1,000,000 documents',
    (c: never) => client.call('listDocuments', pb.ListDocumentsRequest.create({ page: { page: 1, size: 1_000_000 } }), c),
    'size',
  ],
  ['page -5', (c: never) => client.call('listDocuments', pb.ListDocumentsRequest.create({ page: { page: -5, size: 10 } }), c), 'page'],
  [
    'a search of 10,000 characters',
    (c: never) => client.call('searchDocuments', pb.SearchDocumentsRequest.create({ query: '党'.repeat(10_000) }), c),
    'q',
  ],
  [
    'a search within 100 earlier queries',
    (c: never) => client.call('searchDocuments', pb.SearchDocumentsRequest.create({ query: '党', within: Array(100).fill('建') }), c),
    'within',
  ],
  [
    'a search page past the result window',
    (c: never) => client.call('searchDocuments', pb.SearchDocumentsRequest.create({ query: '党', page: { page: 100_000, size: 50 } }), c),
    'page',
  ],
  ['1,000 suggestions', (c: never) => client.call('suggestDocuments', { prefix: '党', size: 1_000 }, c), 'size'],
  ['1,000 related documents', (c: never) => client.call('relatedDocuments', { id: draft, size: 1_000 }, c), 'size'],
])('%s is refused by the service itself', async (_what, call, field) => {
  const answer = await refusal(call as never);
  expect(answer).toMatch(new RegExp(`^INVALID_ARGUMENT VALIDATION_FAILED .*\\b${field}\\b`));
});
