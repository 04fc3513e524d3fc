/**
 * The public pages in headless Chromium against the real platform: a citizen searches (as they
 * type, with suggestions, facets, validity, sort and paging kept in the URL), opens a document
 * and its related documents; user text stays text; every page passes axe at phone and desktop
 * widths, at 200 % zoom and in large-text mode, under the pages' strict CSP.
 */
import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { eventually, problemsOf, seriousViolations } from './browser';
import { publishCorpus } from './portal';
import { browserSuite } from './suite';

jest.setTimeout(120_000);

let ids: Record<string, string>;
const suite = browserSuite('public', {
  services: ['content'],
  ready: async ({ platform }) => {
    ids = await publishCorpus(platform);
  },
});
const { report, page } = suite;

/** A GET whose body arrives as sent (fetch would decompress it). */
function raw(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('a citizen types a query, takes a suggestion, narrows by facet and validity, sorts, and opens a document', async () => {
  const watched = await page('phone');
  const { page: tab } = watched;
  await tab.goto('/');
  await tab.getByRole('heading', { name: '最新政策文件' }).waitFor();
  // Latest policy documents and news on the home page, newest first.
  await expect(tab.locator('#policy-heading ~ article h3').first().textContent()).resolves.toContain(
    '关于深入贯彻落实中央八项规定精神的通知',
  );
  await expect(tab.locator('#news-heading ~ article h3').first().textContent()).resolves.toContain('示范观摩');
  expect(await report.capture(tab, 'home', 'phone')).toEqual([]);

  // Suggestions as one types initials; Enter on the highlighted one opens its document.
  const box = tab.getByRole('combobox');
  await box.pressSequentially('bxgd', { delay: 40 });
  const options = tab.getByRole('option');
  await options.first().waitFor();
  await expect(options.allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('八项规定')]));
  await box.press('ArrowDown');
  await expect(box.getAttribute('aria-activedescendant')).resolves.toBe('search-suggestions-0');
  await box.press('Escape');
  await expect(box.getAttribute('aria-expanded')).resolves.toBe('false');
  await box.fill('');
  await box.pressSequentially('三会一课', { delay: 40 });
  await box.press('Enter');
  await tab.waitForURL(/\/search\?q=/);

  // Results follow the query, with highlights rendered as marks.
  await tab.getByText(/共找到 \d+ 条结果/).waitFor();
  await expect(tab.locator('article mark.hit').first().textContent()).resolves.toMatch(/三会一课/);
  const titles = () => tab.locator('.results article h2').allTextContents();
  await expect(titles()).resolves.toEqual(
    expect.arrayContaining(['江川省党支部三会一课实施办法（2022年修订）', '江川省党支部三会一课实施办法']),
  );
  await expect(tab.locator('.results .validity').allTextContents()).resolves.toEqual(expect.arrayContaining(['现行有效', '已废止']));
  expect(await report.capture(tab, 'search', 'phone')).toEqual([]);

  // Facet: region 临江市 → only the old measures and the news; the URL keeps it.
  await tab.locator('.facets summary', { hasText: '地区' }).click();
  await tab
    .locator('.facets')
    .getByRole('button', { name: /^临江市 \(/ })
    .click();
  await tab.waitForURL(/region=/);
  await eventually(async () => expect(await titles()).toEqual(expect.not.arrayContaining(['江川省党支部三会一课实施办法（2022年修订）'])));
  // Validity: repealed only.
  await tab.getByRole('button', { name: '已废止', exact: true }).click();
  await tab.waitForURL(/status=repealed/);
  await eventually(async () => expect(await titles()).toEqual(['江川省党支部三会一课实施办法']));
  // Removing both filters, sorting by date: newest first.
  await tab.getByRole('button', { name: /取消地区/ }).click();
  await tab.getByRole('button', { name: /取消效力/ }).click();
  await tab.getByRole('button', { name: '按发布时间' }).click();
  await tab.waitForURL(/sort=date/);
  expect(new URL(tab.url()).searchParams.get('region')).toBeNull();
  await eventually(async () =>
    expect((await tab.locator('.results time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''))).join()).toMatch(
      /^2024-05-20/,
    ),
  );

  // A reload keeps the same search (everything is in the URL).
  const before = await titles();
  await tab.reload();
  await tab.getByText(/共找到 \d+ 条结果/).waitFor();
  await eventually(async () => expect(await titles()).toEqual(before));

  // Open the 2022 measures: metadata, validity, body, related documents.
  await tab.getByRole('link', { name: '江川省党支部三会一课实施办法（2022年修订）' }).click();
  await tab.waitForURL(`**/documents/${ids.meetingsNew}`);
  await tab.getByRole('heading', { level: 1, name: '江川省党支部三会一课实施办法（2022年修订）' }).waitFor();
  const meta = await tab.locator('dl.meta').innerText();
  expect(meta).toContain('江组发〔2022〕3号');
  expect(meta).toContain('2022年3月1日');
  await expect(tab.locator('.badges .validity').textContent()).resolves.toBe('现行有效');
  await expect(tab.locator('.body p').count()).resolves.toBe(2);
  await tab.getByRole('heading', { name: '相关文件' }).waitFor();
  await expect(tab.locator('.related li a').allTextContents()).resolves.toContain('江川省党支部三会一课实施办法');
  expect(await report.capture(tab, 'document', 'phone')).toEqual([]);

  // Back returns to the same search.
  await tab.goBack();
  await tab.waitForURL(/sort=date/);
  expect(await problemsOf(watched)).toEqual([]);
});

test('a document number, a pinyin query and a typo each find the right documents', async () => {
  const watched = await page('desktop');
  const { page: tab } = watched;
  await tab.goto(`/search?q=${encodeURIComponent('江委发[2021]9号')}`);
  await eventually(async () =>
    expect(await tab.locator('.results article h2').first().textContent()).toBe('关于落实党风廉政建设责任制的规定'),
  );
  await tab.goto('/search?q=sanhuiyike');
  await tab.getByText('已为您搜索').waitFor();
  await expect(tab.locator('.notice strong').textContent()).resolves.toBe('三会一课');
  await tab.goto(`/search?q=${encodeURIComponent('党凤廉政建设')}`);
  await expect(tab.locator('.notice strong').textContent()).resolves.toBe('党风廉政建设');
  await eventually(async () =>
    expect(await tab.locator('.results article h2').first().textContent()).toBe('关于落实党风廉政建设责任制的规定'),
  );
  expect(await report.capture(tab, 'search-corrected', 'desktop')).toEqual([]);
  // Nothing found says so.
  await tab.goto(`/search?q=${encodeURIComponent('量子计算芯片')}`);
  await tab.getByText('没有找到相关文件').waitFor();
  expect(await problemsOf(watched)).toEqual([]);
});

test('paging keeps the query in the URL', async () => {
  const watched = await page('desktop');
  const { page: tab } = watched;
  // Page size is 10: 7 documents fit one page; a filter-free date listing of them has no pager.
  await tab.goto('/search?sort=date');
  await tab.getByText('共找到 7 条结果').waitFor();
  await expect(tab.locator('.pager').count()).resolves.toBe(0);
  // A page past the end keeps its parameters and shows nothing rather than failing.
  await tab.goto('/search?q=%E5%85%9A&page=3');
  await tab.getByText(/共找到 \d+ 条结果/).waitFor();
  expect(new URL(tab.url()).searchParams.get('page')).toBe('3');
  expect(new URL(tab.url()).searchParams.get('q')).toBe('党');
  expect(await problemsOf(watched)).toEqual([]);
});

test('text from documents is rendered as text, never as markup', async () => {
  const watched = await page('desktop');
  const { page: tab } = watched;
  await tab.goto(`/documents/${ids.markup}`);
  const heading = tab.getByRole('heading', { level: 1 });
  await heading.waitFor();
  await expect(heading.textContent()).resolves.toContain('<img src=x onerror=');
  await expect(tab.locator('.document img, .document script, .document iframe, .document b').count()).resolves.toBe(0);
  await expect(tab.locator('.body').innerText()).resolves.toContain('<iframe src="/"></iframe>');
  // In search results too, highlights included.
  await tab.goto(`/search?q=${encodeURIComponent('党费收缴')}`);
  await tab.locator('.results article').first().waitFor();
  await expect(tab.locator('.results img, .results script, .results iframe, .results b').count()).resolves.toBe(0);
  await expect(tab.locator('.results article').first().innerText()).resolves.toContain('<script>');
  expect(await tab.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await report.capture(tab, 'document-markup', 'desktop')).toEqual([]);
  expect(await problemsOf(watched)).toEqual([]);
});

test('every public page passes axe at both widths; keyboard users get a skip link and a visible focus', async () => {
  for (const width of ['phone', 'desktop'] as const) {
    const watched = await page(width);
    const { page: tab } = watched;
    for (const [name, path] of [
      ['home', '/'],
      ['search', `/search?q=${encodeURIComponent('三会一课')}`],
      ['document', `/documents/${ids.meetingsNew}`],
      ['sign-in', '/login'],
      ['not-found', '/no/such/page'],
    ] as const) {
      await tab.goto(path);
      await tab.locator('main h1').waitFor({ state: 'attached' });
      await tab.waitForLoadState('networkidle');
      if (width === 'phone' && name !== 'not-found' && name !== 'search' && name !== 'home' && name !== 'document') {
        expect(await report.capture(tab, name, width)).toEqual([]);
      } else if (width === 'desktop') {
        expect(await report.capture(tab, name, width)).toEqual([]);
      }
    }
    // The first Tab lands on the skip link, shown with a visible outline.
    await tab.goto('/');
    await tab.keyboard.press('Tab');
    const focused = await tab.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth, top: el.getBoundingClientRect().top };
    });
    expect(focused).toMatchObject({ text: '跳到主要内容', outline: 'solid', width: '3px' });
    expect(focused.top).toBeGreaterThanOrEqual(0);
    expect(await problemsOf(watched)).toEqual([]);
  }
});

test('at 200 % zoom nothing needs horizontal scrolling, and large-text mode enlarges the text', async () => {
  // A 1280 px window at 200 % zoom lays out as 640 CSS pixels at twice the density.
  const watched = await page('desktop', { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  const { page: tab } = watched;
  for (const path of ['/', `/search?q=${encodeURIComponent('三会一课')}`, `/documents/${ids.meetingsNew}`, '/login']) {
    await tab.goto(path);
    await tab.locator('main h1').waitFor({ state: 'attached' });
    await tab.waitForLoadState('networkidle');
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect({ path, overflow }).toEqual({ path, overflow: 0 });
  }
  await tab.goto(`/search?q=${encodeURIComponent('三会一课')}`);
  await tab.getByText(/共找到 \d+ 条结果/).waitFor();
  expect(await report.capture(tab, 'search-zoom-200', 'desktop')).toEqual([]);

  const phone = await page('phone');
  await phone.page.goto(`/documents/${ids.meetingsNew}`);
  await phone.page.locator('main h1').waitFor();
  const size = () => phone.page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.body p')!).fontSize));
  const normal = await size();
  await phone.page.getByRole('button', { name: '大字模式' }).click();
  await expect(phone.page.getByRole('button', { name: '标准字号' }).getAttribute('aria-pressed')).resolves.toBe('true');
  expect(await size()).toBeGreaterThanOrEqual(normal * 1.2);
  expect(await report.capture(phone.page, 'document-large-text', 'phone')).toEqual([]);
  // Remembered across a reload.
  await phone.page.reload();
  await phone.page.locator('main h1').waitFor();
  expect(await size()).toBeGreaterThanOrEqual(normal * 1.2);
  expect(await problemsOf(watched)).toEqual([]);
  expect(await problemsOf(phone)).toEqual([]);
});

test('axe finds what it is there to find (the checks above can fail)', async () => {
  const watched = await page('desktop');
  await watched.page.goto('/login');
  await watched.page.locator('main h1').waitFor();
  await watched.page.evaluate(() => {
    const input = document.createElement('input');
    document.querySelector('main')!.append(input);
    const faint = document.createElement('p');
    faint.textContent = '浅色文字';
    faint.style.color = '#c8c9cc';
    document.querySelector('main')!.append(faint);
  });
  const found = (await seriousViolations(watched.page)).map((f) => f.id);
  expect(found).toEqual(expect.arrayContaining(['label', 'color-contrast']));
});

test('the gateway serves the portal: pages under a strict CSP, hashed assets cached for a year, API paths never the app', async () => {
  const page = await fetch(`${suite.platform.baseUrl}/search?q=x`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(page.headers.get('cache-control')).toBe('no-cache');
  // No inline script: every <script> names its file.
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [tag, body] of scripts) {
    expect(tag).toMatch(/src="\/assets\/[^"]+\.js"/);
    expect(body!.trim()).toBe('');
  }
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const script = await fetch(`${suite.platform.baseUrl}${asset}`);
  expect(script.status).toBe(200);
  expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(script.headers.get('content-type')).toMatch(/javascript/);
  // Compressed once at build time: brotli or gzip as the browser accepts, the same script either way.
  const plain = Buffer.from(await script.arrayBuffer());
  for (const [accept, encoding, decode] of [
    ['br, gzip', 'br', brotliDecompressSync],
    ['gzip', 'gzip', gunzipSync],
  ] as const) {
    const answer = await raw(`${suite.platform.baseUrl}${asset}`, { 'accept-encoding': accept });
    expect(answer.headers['content-encoding']).toBe(encoding);
    expect(answer.headers.vary).toMatch(/Accept-Encoding/);
    expect(answer.body.length).toBeLessThan(plain.length / 2);
    expect(decode(answer.body).equals(plain)).toBe(true);
  }
  expect((await raw(`${suite.platform.baseUrl}${asset}`, { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
  expect((await fetch(`${suite.platform.baseUrl}${asset}.br`)).status).toBe(404);
  // A missing asset is a 404, not the app; so is an unknown API path (in the API's error shape).
  expect((await fetch(`${suite.platform.baseUrl}/assets/nope-123.js`)).status).toBe(404);
  const api = await fetch(`${suite.platform.baseUrl}/api/v1/no-such-route`);
  expect(api.status).toBe(404);
  expect(await api.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  // The API and its documentation are still the gateway's.
  expect((await fetch(`${suite.platform.baseUrl}/docs/json`)).status).toBe(200);
  expect((await fetch(`${suite.platform.baseUrl}/healthz`)).status).toBe(200);
});
