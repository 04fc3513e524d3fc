/**
 * One bad call never breaks the calls beside it. The gateway shares one HTTP/2 connection per
 * service among every request; while bad calls run on it (answers larger than a client takes,
 * refusals with many details, forged callers on connections of their own, requests at the body
 * limit), many concurrent ordinary reads on the same connection all succeed.
 */
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { ContentServiceService } from '@repo/proto/content/v1';
import { startPlatform, type Platform } from '../support';
import { documentDraft, expectRefused, publishDocument, send, superAdmin, type Answer } from './hostile';

jest.setTimeout(300_000);

let platform: Platform;
let published: string;
/** Documents whose bodies are as long as allowed: a page of them is larger than 16 MiB. */
const large = 30;

beforeAll(async () => {
  platform = await startPlatform({}, { only: ['content'] });
  published = await publishDocument(platform);
  // 200,000 characters of three UTF-8 bytes each: 600 KB a document.
  for (let i = 0; i < large; i++) {
    const answer = await send(platform, 'POST', '/api/v1/documents', {
      headers: superAdmin,
      body: documentDraft({ title: `长文件${i}`, kind: 'article', docType: '党课', body: '党'.repeat(200_000) }),
    });
    expect(answer.status).toBe(201);
  }
});

afterAll(async () => {
  await platform?.stop();
});

/** `n` ordinary reads at once; every one must answer 200. */
async function goodReads(n: number): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      i % 2 === 0
        ? send(platform, 'GET', `/api/v1/documents/${published}`)
        : send(platform, 'GET', `/api/v1/search/documents?q=${encodeURIComponent('基层党组织')}`),
    ),
  );
}

test('a page of the largest documents is answered (without bodies), not refused as too large for the gateway', async () => {
  const answer = await send(platform, 'GET', `/api/v1/documents?size=${large}&kind=article`, { headers: superAdmin });
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 200, code: undefined });
  expect(answer.body.items).toHaveLength(large);
  expect(answer.body.items[0]).not.toHaveProperty('body');
  expect(answer.text.length).toBeLessThan(100_000);
  // One document still has its whole body.
  const one = await send(platform, 'GET', `/api/v1/documents/${answer.body.items[0].id}`, { headers: superAdmin });
  expect(one.body.body).toHaveLength(200_000);
});

test('ordinary reads all succeed while bad calls run on the same connection', async () => {
  const forged = new Client(platform.grpcAddresses.content!, credentials.createInsecure());
  const rpc = ContentServiceService.listDocuments;
  const forgedCalls = Array.from(
    { length: 20 },
    () =>
      new Promise<void>((resolve) => {
        const metadata = new Metadata();
        metadata.set('x-user-roles', 'superAdmin');
        forged.makeUnaryRequest(
          rpc.path,
          () => Buffer.alloc(0),
          (b: Buffer) => b,
          {},
          metadata,
          {},
          () => resolve(),
        );
      }),
  );
  const bad = [
    ...Array.from({ length: 5 }, () => send(platform, 'GET', `/api/v1/documents?size=${large}&kind=article`, { headers: superAdmin })),
    ...Array.from({ length: 5 }, () =>
      send(platform, 'POST', '/api/v1/documents', {
        headers: superAdmin,
        body: documentDraft(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, i]))),
      }),
    ),
    ...Array.from({ length: 5 }, () =>
      send(platform, 'PATCH', `/api/v1/documents/${published}`, { headers: superAdmin, body: { body: '党'.repeat(200_000) } }),
    ),
  ];
  const [good] = await Promise.all([goodReads(60), Promise.all(bad), Promise.all(forgedCalls)]);
  forged.close();
  expect(good.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
  // And after them, the connection still serves.
  expect((await goodReads(10)).map((a) => a.status)).toEqual(Array(10).fill(200));
});

test('an edit of a published document is refused whole, at any size', async () => {
  expectRefused(
    await send(platform, 'PATCH', `/api/v1/documents/${published}`, { headers: superAdmin, body: { body: '党'.repeat(200_000) } }),
    409,
    'CONTENT_NOT_DRAFT',
  );
});
