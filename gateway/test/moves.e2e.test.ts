/**
 * Organisation moves followed by every service: the member service moves a branch to another
 * committee, and the content service's documents follow it (through the move's event), so the
 * branch's editor keeps working on their draft, the new committee's reviewer sees and approves
 * it, and the old committee's reviewer no longer sees it.
 */
import { bearer, waitFor } from '@repo/testbed';
import { httpCaller, policyBody, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let platform: Platform;
const admin = bearer({ userId: 'admin-1', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json }>;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
});

async function org(parentId: string | undefined, name: string, kind: string): Promise<Json> {
  const response = await call('POST', '/api/v1/organizations', admin, { ...(parentId ? { parentId } : {}), name, kind });
  expect(response.status).toBe(201);
  return response.body;
}

test('after a branch moves, its editor edits the draft, the new parent approves it, the old parent gets 404', async () => {
  const province = await org(undefined, '中共江川省委', 'committee');
  const oldParent = await org(province.id, '中共青石市委', 'committee');
  const newParent = await org(province.id, '中共白河市委', 'committee');
  const branch = await org(oldParent.id, '青石市档案馆党支部', 'branch');

  const editorBefore = bearer({ userId: 'editor-x', roles: ['secretary'], orgPath: branch.path }, tokenSecret);
  const draft = await call('POST', '/api/v1/documents', editorBefore, policyBody());
  expect(draft.status).toBe(201);
  expect(draft.body.orgPath).toBe(branch.path);

  const moved = await call('POST', `/api/v1/organizations/${branch.id}/move`, admin, { newParentId: newParent.id });
  expect(moved.status).toBe(200);
  const newPath = moved.body.organization.path;
  expect(newPath).toBe(`${newParent.path}${branch.id}/`);

  // The editor's next token carries the node's new path (the member service signs the path of now).
  const editor = bearer({ userId: 'editor-x', roles: ['secretary'], orgPath: newPath }, tokenSecret);
  const followed = await waitFor(
    async () => {
      const read = await call('GET', `/api/v1/documents/${draft.body.id}`, editor);
      return read.status === 200 && read.body.orgPath === newPath ? read.body : undefined;
    },
    { timeoutMs: 30_000, what: 'the draft following its branch' },
  );
  expect(followed.revision).toBe(2);

  const edited = await call('PATCH', `/api/v1/documents/${draft.body.id}`, editor, {
    title: '关于档案馆党支部组织生活的通知（修订）',
    expectedRevision: 2,
  });
  expect(edited.status).toBe(200);
  expect((await call('POST', `/api/v1/documents/${draft.body.id}/submit`, editor)).status).toBe(200);

  const oldReviewer = bearer({ userId: 'reviewer-old', roles: ['orgAdmin'], orgPath: oldParent.path }, tokenSecret);
  const newReviewer = bearer({ userId: 'reviewer-new', roles: ['orgAdmin'], orgPath: newParent.path }, tokenSecret);
  const refused = await call('POST', `/api/v1/documents/${draft.body.id}/approve`, oldReviewer, { note: '同意' });
  expect(refused.status).toBe(404);
  expect((await call('GET', `/api/v1/documents/${draft.body.id}`, oldReviewer)).status).toBe(404);
  const approved = await call('POST', `/api/v1/documents/${draft.body.id}/approve`, newReviewer, { note: '同意' });
  expect(approved.status).toBe(200);
  expect(approved.body.status).toBe('approved');
});
