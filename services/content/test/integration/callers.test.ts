/**
 * The content service verifies who calls it. Called straight on its port (as any pod in a
 * cluster could) with the plain identity metadata it once trusted, it answers UNAUTHENTICATED;
 * drafts reach only a caller whose assertion the gateway's key signed.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { RpcClient } from '@repo/grpc';
import { ContentServiceService, ListDocumentsRequest } from '@repo/proto/content/v1';
import { cleanupNamespace, credentialsFor, ensureStack, uniqueNamespace } from '@repo/testbed';
import { samplePolicy, startContent, type RunningContent } from '../support';

jest.setTimeout(60_000);

const namespace = uniqueNamespace('callers');
let running: RunningContent;
let client: RpcClient<typeof ContentServiceService>;

beforeAll(async () => {
  await ensureStack();
  running = await startContent(namespace);
  client = new RpcClient(ContentServiceService, running.address);
  await running.app.documents.create(samplePolicy(), 'editor-1', '/1/7/');
});

afterAll(async () => {
  client?.close();
  await running?.app.stop();
  await cleanupNamespace(namespace);
});

test('plain identity metadata claiming a superAdmin is refused', async () => {
  const raw = new Client(running.address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('x-user-id', 'attacker');
  metadata.set('x-user-roles', 'superAdmin');
  metadata.set('x-org-path', '/');
  const method = ContentServiceService.listDocuments;
  try {
    const err = await new Promise<ServiceError>((resolve) =>
      raw.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        ListDocumentsRequest.create(),
        metadata,
        {},
        (e) => resolve(e!),
      ),
    );
    expect(err.code).toBe(status.UNAUTHENTICATED);
  } finally {
    raw.close();
  }
});

test('drafts reach only a verified caller in scope', async () => {
  const asPublic = await client.call('listDocuments', ListDocumentsRequest.create(), await credentialsFor());
  expect(asPublic.documents).toHaveLength(0);
  const asEditor = await client.call(
    'listDocuments',
    ListDocumentsRequest.create(),
    await credentialsFor({ userId: 'editor-1', roles: ['orgAdmin'], orgPath: '/1/7/' }),
  );
  expect(asEditor.documents).toHaveLength(1);
  const asOutsider = await client.call(
    'listDocuments',
    ListDocumentsRequest.create(),
    await credentialsFor({ userId: 'editor-9', roles: ['orgAdmin'], orgPath: '/2/' }),
  );
  expect(asOutsider.documents).toHaveLength(0);
});
