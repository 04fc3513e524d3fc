/** The platform a browser test runs against: the gateway serving the built portal, and its corpus. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@repo/testbed';
import { editor, policyBody, reviewer, startPlatform, type Platform, type PlatformOptions } from '../../../gateway/test/support';

export const distIndex = join(__dirname, '../../dist/index.html');

/**
 * The whole platform on the shared stack, the portal served from web/dist (built by `npm test`'s
 * build step, or `npx vite build` in web/). Rate limits are raised: one test signs in and reloads
 * far more often than one person would.
 */
export async function startPortal(options: PlatformOptions = {}): Promise<Platform> {
  if (!existsSync(distIndex)) throw new Error('the portal is not built: run `npx vite build` in web/ (npm test builds it)');
  return startPlatform(
    { AUTH_RATE_LIMIT_PER_MINUTE: '10000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_MINUTE: '100000' },
    options,
  );
}

/** Documents the public pages are looked at with; ids by key once published and indexed. */
export const corpus: Record<string, Record<string, unknown>> = {
  meetingsNew: {
    title: '江川省党支部三会一课实施办法（2022年修订）',
    agency: '中共江川省委组织部',
    docType: '办法',
    docNumber: '江组发〔2022〕3号',
    issuedAt: '2022-03-01',
    region: '全省',
    topics: ['三会一课', '组织建设'],
    body: '第一条 为规范党支部三会一课制度，制定本办法。\n\n第二条 支部党员大会每季度至少召开一次，党小组会每月召开一次，党课每季度至少一次。',
  },
  meetingsOld: {
    title: '江川省党支部三会一课实施办法',
    agency: '中共江川省委组织部',
    docType: '办法',
    docNumber: '江组发〔2016〕2号',
    issuedAt: '2016-03-01',
    effectiveStatus: 'repealed',
    region: '临江市',
    topics: ['三会一课'],
    body: '第一条 为规范党支部三会一课制度，制定本办法。',
  },
  amended: {
    title: '关于加强党支部标准化规范化建设的意见',
    agency: '中共江川省委组织部',
    docType: '意见',
    docNumber: '江组发〔2019〕7号',
    issuedAt: '2019-09-10',
    effectiveStatus: 'amended',
    region: '全省',
    topics: ['组织建设'],
    body: '各级党组织要推进党支部标准化规范化建设，严格落实三会一课、主题党日等制度。',
  },
  eightRules: {
    title: '关于深入贯彻落实中央八项规定精神的通知',
    agency: '中共江川省委',
    docType: '通知',
    docNumber: '江委发〔2024〕2号',
    issuedAt: '2024-01-05',
    region: '全省',
    topics: ['作风建设'],
    body: '严格落实中央八项规定精神，坚决防止违规吃喝、公车私用等问题反弹回潮。',
  },
  integrity: {
    title: '关于落实党风廉政建设责任制的规定',
    agency: '中共江川省委',
    docType: '规定',
    docNumber: '江委发〔2021〕9号',
    issuedAt: '2021-05-10',
    region: '全省',
    topics: ['党风廉政建设'],
    body: '各级党委（党组）对本地区本部门党风廉政建设负主体责任。',
  },
  news: {
    kind: 'article',
    title: '临江市开展“三会一课”示范观摩活动',
    agency: '临江市委组织部',
    docType: '新闻',
    docNumber: '',
    issuedAt: '2024-05-20',
    region: '临江市',
    topics: ['三会一课'],
    body: '近日，临江市组织各级党支部书记开展三会一课示范观摩活动。',
  },
  markup: {
    title: '关于<img src=x onerror="window.__pwned=1">规范党费收缴的通知<script>window.__pwned=1</script>',
    agency: '中共江川省委组织部',
    docType: '通知',
    docNumber: '江组发〔2023〕8号',
    issuedAt: '2023-03-01',
    region: '全省',
    topics: ['党费'],
    body: '党费收缴<b onmouseover="window.__pwned=1">要规范</b>。\n\n<iframe src="/"></iframe>按月交纳。',
  },
};

/** One call to the gateway as a signed-in editor or reviewer; throws on anything but success. */
async function send(platform: Platform, path: string, headers: Record<string, string>, body?: unknown): Promise<{ id: string }> {
  const response = await fetch(`${platform.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const answer = (await response.json()) as { id: string };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** A document taken through the whole workflow: written, submitted, approved by another, published. */
export async function publishDocument(platform: Platform, fields: Record<string, unknown>): Promise<string> {
  const { id } = await send(platform, '/api/v1/documents', editor, policyBody(fields));
  await send(platform, `/api/v1/documents/${id}/submit`, editor);
  await send(platform, `/api/v1/documents/${id}/approve`, reviewer, { note: '同意' });
  await send(platform, `/api/v1/documents/${id}/publish`, reviewer);
  return id;
}

/** Waits until public search counts at least this many documents. */
export async function indexed(platform: Platform, count: number): Promise<void> {
  await waitFor(
    async () => {
      const answer = await fetch(`${platform.baseUrl}/api/v1/search/documents?size=1`);
      return ((await answer.json()) as { total: number }).total >= count;
    },
    { timeoutMs: 60_000, what: `${count} documents indexed` },
  );
}

/** Publishes the corpus through the workflow and waits until search finds all of it. */
export async function publishCorpus(platform: Platform): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [key, fields] of Object.entries(corpus)) ids[key] = await publishDocument(platform, fields);
  await indexed(platform, Object.keys(corpus).length);
  return ids;
}
