/**
 * Through REST, against the real content service, document store, NATS and Elasticsearch.
 */
import { platformServices } from '@repo/platform';
import { bearer, waitFor } from '@repo/testbed';
import { editor, httpCaller, outsider, policyBody, publish, reviewer, startPlatform, tokenSecret, type Platform } from './support';

jest.setTimeout(120_000);

let platform: Platform;

// Response bodies are checked field by field below; their shapes are the OpenAPI schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(async () => {
  await platform?.stop();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  httpCaller(platform)(method, url, headers, payload) as Promise<{ status: number; body: Json; headers: Headers }>;

const search = (query: string) => call('GET', `/api/v1/search/documents?${query}`);

const publishNew = async (overrides: Record<string, unknown> = {}): Promise<Json> => publish(call, overrides);

describe('editorial workflow to search', () => {
  test('create, submit, approve, publish; found by a Chinese query with highlights; withdrawn, gone', async () => {
    const doc = await publishNew({ title: '关于加强党风廉政建设责任制考核的意见', docType: '意见', docNumber: '江委发〔2024〕88号' });
    expect(doc.status).toBe('published');
    expect(doc.docNumber).toBe('江委发〔2024〕88号');
    expect(doc.history.map((s: { action: string }) => s.action)).toEqual(['submit', 'approve', 'publish']);
    expect(doc.history[1]).toMatchObject({ actor: 'reviewer-1', from: 'inReview', to: 'approved', note: '同意' });

    const found = await waitFor(
      async () => {
        const result = await search(`q=${encodeURIComponent('党风廉政建设')}`);
        return result.body.hits.find((h: { id: string }) => h.id === doc.id) ? result.body : undefined;
      },
      { timeoutMs: 10_000, what: 'the published document in search' },
    );
    const hit = found.hits.find((h: { id: string }) => h.id === doc.id);
    expect(hit).toMatchObject({
      title: '关于加强党风廉政建设责任制考核的意见',
      agency: '中共江川省委组织部',
      type: '意见',
      status: 'inForce',
      issuedAt: '2024-04-15',
    });
    expect(hit.highlights.title[0]).toContain('<em>');
    expect(hit.highlights.title[0].replace(/<\/?em>/g, '')).toBe('关于加强党风廉政建设责任制考核的意见');
    expect(found.facets.agency).toEqual(expect.arrayContaining([expect.objectContaining({ key: '中共江川省委组织部' })]));

    // The same document by its number, typed the way people type it.
    for (const typed of ['江委发[2024]88号', '江委发(2024)88号', '江委发2024年88号', '江委发 2024 88']) {
      const result = await search(`q=${encodeURIComponent(typed)}`);
      expect(result.body.hits[0]?.id).toBe(doc.id);
    }

    const withdrawn = await call('POST', `/api/v1/documents/${doc.id}/withdraw`, reviewer, { note: '已被新文件替代' });
    expect(withdrawn.body.status).toBe('withdrawn');
    await waitFor(
      async () => {
        const result = await search(`q=${encodeURIComponent('党风廉政建设责任制考核')}`);
        return !result.body.hits.some((h: { id: string }) => h.id === doc.id);
      },
      { timeoutMs: 10_000, what: 'the withdrawn document to leave search' },
    );
    // Public readers cannot open it any more; staff still can.
    expect((await call('GET', `/api/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/documents/${doc.id}`, editor)).body.status).toBe('withdrawn');
  });

  test('filters, facets and paging', async () => {
    await publishNew({
      title: '江川省发展党员工作实施细则',
      docType: '细则',
      agency: '中共江川省委',
      docNumber: '江委发〔2019〕3号',
      issuedAt: '2019-06-01',
      effectiveStatus: 'repealed',
    });
    await publishNew({
      title: '关于做好发展党员工作的通知',
      docType: '通知',
      agency: '中共江川省委组织部',
      docNumber: '江组发〔2023〕9号',
      issuedAt: '2023-02-10',
    });
    const q = encodeURIComponent('发展党员');
    await waitFor(async () => (await search(`q=${q}`)).body.total >= 2, { timeoutMs: 10_000, what: 'both documents indexed' });

    expect((await search(`q=${q}&agency=${encodeURIComponent('中共江川省委')}`)).body.hits.map((h: { title: string }) => h.title)).toEqual([
      '江川省发展党员工作实施细则',
    ]);
    expect((await search(`q=${q}&type=${encodeURIComponent('通知')}`)).body.hits.every((h: { type: string }) => h.type === '通知')).toBe(
      true,
    );
    expect((await search(`q=${q}&status=repealed`)).body.hits.map((h: { status: string }) => h.status)).toEqual(['repealed']);
    const ranged = (await search(`q=${q}&from=2023-01-01&to=2023-12-31`)).body;
    expect(ranged.hits.map((h: { issuedAt: string }) => h.issuedAt)).toEqual(['2023-02-10']);
    const years = (await search(`q=${q}`)).body.facets.year.map((b: { key: string }) => b.key);
    expect(years).toEqual(expect.arrayContaining(['2019', '2023']));
    const paged = (await search(`q=${q}&page=2&size=1`)).body;
    expect(paged).toMatchObject({ page: 2, size: 1 });
    expect(paged.hits).toHaveLength(1);
  });
});

describe('rules and access', () => {
  test('an illegal step is refused with the rule, and a reviewer cannot approve their own submission', async () => {
    const created = await call('POST', '/api/v1/documents', editor, policyBody());
    const id = created.body.id;
    const early = await call('POST', `/api/v1/documents/${id}/publish`, editor);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'CONTENT_WORKFLOW_STEP', details: { requiredStatus: 'approved', status: 'draft' } });
    await call('POST', `/api/v1/documents/${id}/submit`, editor);
    const self = await call('POST', `/api/v1/documents/${id}/approve`, editor);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('CONTENT_SELF_REVIEW');
    const rejected = await call('POST', `/api/v1/documents/${id}/reject`, reviewer, { note: '请补充文号' });
    expect(rejected.body.status).toBe('draft');
  });

  test('only drafts change, and a stale revision is refused', async () => {
    const created = await call('POST', '/api/v1/documents', editor, policyBody());
    const id = created.body.id;
    const patched = await call('PATCH', `/api/v1/documents/${id}`, editor, {
      title: '关于进一步落实三会一课制度的补充通知',
      expectedRevision: 1,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: '关于进一步落实三会一课制度的补充通知', revision: 2, body: created.body.body });
    const stale = await call('PATCH', `/api/v1/documents/${id}`, editor, { title: '旧版本', expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_REVISION');
    expect(stale.body.error.details).toMatchObject({ expectedRevision: '1', revision: '2' });
    await call('POST', `/api/v1/documents/${id}/submit`, editor);
    const locked = await call('PATCH', `/api/v1/documents/${id}`, editor, { title: '送审后修改' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('CONTENT_NOT_DRAFT');
  });

  test('the public reads published documents only and cannot write; other organisations cannot see drafts', async () => {
    const created = await call('POST', '/api/v1/documents', editor, policyBody());
    const id = created.body.id;
    expect((await call('GET', `/api/v1/documents/${id}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/documents/${id}`, outsider)).status).toBe(404);
    expect((await call('GET', `/api/v1/documents/${id}`, reviewer)).status).toBe(200);
    const anonymousWrite = await call('POST', '/api/v1/documents', {}, policyBody());
    expect(anonymousWrite.status).toBe(401);
    const publicList = await call('GET', '/api/v1/documents?status=draft');
    expect(publicList.body.total).toBe(0);
    const staffList = await call('GET', '/api/v1/documents?status=draft&size=100', editor);
    expect(staffList.body.items.some((d: { id: string }) => d.id === id)).toBe(true);
  });

  test('each step needs its role within scope: members do not write, secretaries do not approve, other organisations see nothing', async () => {
    const plainMember = bearer({ userId: 'member-1', roles: ['member'], orgPath: '/1/7/' }, tokenSecret);
    const secretary = bearer({ userId: 'secretary-1', roles: ['secretary'], orgPath: '/1/7/' }, tokenSecret);
    const memberWrite = await call('POST', '/api/v1/documents', plainMember, policyBody());
    expect(memberWrite.status).toBe(403);
    expect(memberWrite.body.error).toMatchObject({ code: 'ACCESS_DENIED', details: { action: 'content.write' } });
    // A member sees published content like the public, not drafts of their own organisation.
    const draft = (await call('POST', '/api/v1/documents', secretary, policyBody())).body;
    expect((await call('GET', `/api/v1/documents/${draft.id}`, plainMember)).status).toBe(404);
    expect((await call('POST', `/api/v1/documents/${draft.id}/submit`, secretary)).status).toBe(200);
    const secretaryApproves = await call('POST', `/api/v1/documents/${draft.id}/approve`, secretary);
    expect(secretaryApproves.status).toBe(403);
    expect(secretaryApproves.body.error.details.action).toBe('content.review');
    // Another organisation's orgAdmin may review in general, but not this document: not found.
    expect((await call('POST', `/api/v1/documents/${draft.id}/approve`, outsider)).status).toBe(404);
    expect((await call('POST', `/api/v1/documents/${draft.id}/approve`, reviewer)).status).toBe(200);
  });
});

describe('bad input is refused with 400 naming the field, and nothing is stored', () => {
  const cases: [string, unknown, string][] = [
    ['missing title', (({ title: _t, ...rest }) => rest)(policyBody()), 'body.title'],
    ['impossible date', policyBody({ issuedAt: '2024-02-30' }), 'issuedAt'],
    ['badly written date', policyBody({ issuedAt: '15/04/2024' }), 'body.issuedAt'],
    ['unknown effective status', policyBody({ effectiveStatus: 'valid' }), 'body.effectiveStatus'],
    ['oversize body', policyBody({ body: '党'.repeat(200_001) }), 'body.body'],
    ['unknown field', policyBody({ secretLevel: '机密' }), 'body.secretLevel'],
    ['wrong type', policyBody({ topics: '组织建设' }), 'body.topics'],
    ['unparseable document number', policyBody({ docNumber: '第三号文件' }), 'docNumber'],
  ];

  test.each(cases)('%s', async (_name, payload, field) => {
    const before = (await call('GET', '/api/v1/documents?size=1', reviewer)).body.total;
    const response = await call('POST', '/api/v1/documents', editor, payload);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(response.body.error.details)).toContain(field);
    expect(response.body.error.message).toContain(field);
    expect((await call('GET', '/api/v1/documents?size=1', reviewer)).body.total).toBe(before);
  });

  test('malformed JSON', async () => {
    const response = await call('POST', '/api/v1/documents', editor, '{"title": "未闭合');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  test('bad query parameters and ids', async () => {
    const badStatus = await search('status=valid');
    expect(badStatus.status).toBe(400);
    expect(Object.keys(badStatus.body.error.details)).toContain('query.status');
    expect(Object.keys((await search('size=500')).body.error.details)).toContain('query.size');
    expect(Object.keys((await search('from=2024-13-45')).body.error.details)).toContain('from');
    expect(Object.keys((await search('colour=red')).body.error.details)).toContain('query.colour');
    const badId = await call('GET', '/api/v1/documents/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(Object.keys(badId.body.error.details)).toContain('params.id');
  });
});

describe('gateway plumbing', () => {
  test('health, readiness, OpenAPI, request ids, CORS and unknown routes', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).body).toEqual({
      status: 'ready',
      services: Object.fromEntries(platformServices.map((service) => [service.name, true])),
    });
    const openapi = (await call('GET', '/docs/json')).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/documents', '/api/v1/documents/{id}/publish', '/api/v1/search/documents']),
    );
    const traced = await call('GET', '/healthz', { 'x-request-id': 'req-123', origin: 'https://portal.example' });
    expect(traced.headers.get('x-request-id')).toBe('req-123');
    expect(traced.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    const missing = await call('GET', '/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});
