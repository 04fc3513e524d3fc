/**
 * What every browser test shares: Debian's chromium through playwright-core, a page that fails
 * its test on a script error or a Content-Security-Policy violation, axe-core in the page, and
 * the screenshot report (.local/web-report/index.html).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '@repo/testbed';

export const reportDir = join(repoRoot(), '.local/web-report');
/** Where scripts/browser.mjs puts a browser and fonts when it may not install them system-wide. */
const browserCache = join(repoRoot(), '.local/browser');

/** The file under dir (searched depth first) whose name is one of names. */
function findFile(dir: string, names: string[]): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, names);
      if (found) return found;
    } else if (names.includes(entry)) return path;
  }
  return undefined;
}

/** Debian's chromium (or CHROMIUM_PATH); else the Playwright headless shell in the cache. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return findFile(join(browserCache, 'ms-playwright'), ['chrome-headless-shell', 'headless_shell']) ?? '/usr/bin/chromium';
}

/** FONTCONFIG_FILE for fonts-noto-cjk unpacked into the cache (the system's fonts stay in). */
function localFontConfig(): Record<string, string> {
  const fonts = join(browserCache, 'fonts/usr/share/fonts');
  if (!existsSync(fonts)) return {};
  const file = join(browserCache, 'fonts.conf');
  const system = existsSync('/etc/fonts/fonts.conf') ? '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' : '';
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>${system}<dir>${fonts}</dir><cachedir>${join(browserCache, 'fontconfig-cache')}</cachedir></fontconfig>\n`,
  );
  return { FONTCONFIG_FILE: file };
}

export const widths = {
  phone: { width: 375, height: 812 },
  desktop: { width: 1280, height: 800 },
} as const;
export type Width = keyof typeof widths;

export async function launch(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `no browser at ${executablePath}: npm test installs Debian's chromium and fonts-noto-cjk (scripts/browser.mjs), or apt-get install chromium fonts-noto-cjk`,
    );
  }
  const fontConfig = localFontConfig();
  return chromium.launch({
    executablePath,
    headless: true,
    ...(Object.keys(fontConfig).length ? { env: { ...process.env, ...fontConfig } as Record<string, string> } : {}),
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Script errors, console errors and CSP violations seen so far (each test expects none). */
  problems: string[];
}

/** A fresh context (no cookies, no storage) and page at a width, watched for problems. */
export async function openPage(
  browser: Browser,
  baseURL: string,
  width: Width = 'phone',
  options: { deviceScaleFactor?: number; viewport?: { width: number; height: number } } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? widths[width],
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    isMobile: width === 'phone',
    hasTouch: width === 'phone',
    locale: 'zh-CN',
    // The theme honours reduced motion (no fades): a toast is either shown or gone, never the
    // half-faded state axe would measure mid-transition.
    reducedMotion: 'reduce',
  });
  // Injected by the browser before any page script (not subject to the page's CSP).
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (401|403|404|409|400)/.test(message.text()))
      problems.push(`console error: ${message.text()}`);
  });
  return { context, page, problems };
}

/** The page's CSP violations and any script error so far. */
export async function problemsOf(watched: Watched): Promise<string[]> {
  const violations = await watched.page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
  return [...watched.problems, ...violations.map((v) => `CSP violation: ${v}`)];
}

/** Retries an assertion until it holds (the page is still rendering) or the time is up. */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2.1 A/AA rules over the page as it is now; the serious and critical findings. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline or eval) does not apply.
  await page.evaluate(axe.source);
  const findings = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof import('axe-core') }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

interface Shot {
  suite: string;
  name: string;
  width: string;
  file: string;
  url: string;
  axe: AxeFinding[];
}

/** Screenshots of one test file, written to the report as they are taken. */
export class Report {
  private readonly shots: Shot[] = [];

  constructor(private readonly suite: string) {
    mkdirSync(reportDir, { recursive: true });
  }

  /** A full-page screenshot and the page's axe findings (returned for the test to expect none). */
  async capture(page: Page, name: string, width: string): Promise<AxeFinding[]> {
    await page.evaluate(() => document.fonts.ready);
    // Fades and slides (a closing dropdown, a toast going away) finish first: axe measures contrast
    // as it is at that instant, and a half-faded toast is no state anyone reads.
    const settled = () =>
      page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))));
    await settled();
    const file = `${this.suite}-${name}-${width}.png`;
    await page.screenshot({ path: join(reportDir, file), fullPage: true });
    // A slow screenshot (a busy machine) can outlast a toast's three seconds: its fade-out settles too.
    await settled();
    const findings = await seriousViolations(page);
    this.shots.push({
      suite: this.suite,
      name,
      width,
      file,
      url: new URL(page.url()).pathname + new URL(page.url()).search,
      axe: findings,
    });
    this.write();
    return findings;
  }

  private write(): void {
    writeFileSync(join(reportDir, `${this.suite}.json`), JSON.stringify(this.shots, null, 2));
    const all = readdirSync(reportDir)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => JSON.parse(readFileSync(join(reportDir, f), 'utf8')) as Shot[]);
    const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const rows = all
      .map(
        (s) =>
          `<figure><figcaption><b>${escape(s.suite)} · ${escape(s.name)}</b> (${escape(s.width)}) <code>${escape(s.url)}</code> — axe serious/critical: ${s.axe.length}</figcaption>` +
          `<a href="${escape(s.file)}"><img src="${escape(s.file)}" alt="${escape(s.name)} ${escape(s.width)}" loading="lazy"></a></figure>`,
      )
      .join('\n');
    writeFileSync(
      join(reportDir, 'index.html'),
      `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>智慧党建 portal: screenshots</title>` +
        `<style>body{font-family:sans-serif;margin:16px}figure{display:inline-block;vertical-align:top;margin:8px;max-width:420px}img{max-width:400px;border:1px solid #ccc}</style>` +
        `<h1>Portal screenshots</h1><p>Written by the browser tests (web/test/e2e), ${new Date().toISOString()}.</p>${rows}</html>`,
    );
  }
}
