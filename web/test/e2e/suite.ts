/**
 * The setup every browser suite shares: the platform (the services it names, the built portal)
 * and a browser started once for the file, the people of people.ts when it wants them, pages
 * closed and everything stopped after it; a page watched for problems, signing in through the
 * sign-in page as a person does, and a REST call with a token.
 */
import type { Browser, Page } from 'playwright-core';
import type { Platform, PlatformOptions } from '../../../gateway/test/support';
import { launch, openPage, problemsOf, Report, type Watched, type Width } from './browser';
import { castPeople, type Cast, type Person } from './people';
import { startPortal } from './portal';

/**
 * The services the console's dashboard reads, where staff land on signing in: a suite that signs
 * staff in builds them all, or the dashboard's cards of the others fail (503) and the page logs it.
 */
export const consoleServices = ['member', 'learning', 'feedback', 'supervision'];

export interface SuiteOptions {
  /** The services to build (startPlatform's `only`). */
  services: string[];
  appOptions?: PlatformOptions['appOptions'];
  /** Make the people of people.ts (the REST API's tree, users and members). */
  people?: boolean;
  /** Every page's clock starts at this time (a service that runs on a clock the test moves). */
  pageClock?: () => Date;
  /** What else the suite needs before its tests: the other services' copies of the tree, a corpus … */
  ready?: (suite: Suite) => Promise<void>;
}

export interface Suite {
  readonly platform: Platform;
  readonly browser: Browser;
  readonly cast: Cast;
  readonly report: Report;
  /** Every page opened so far, in order (each closed after the file). */
  readonly open: Watched[];
  /** A fresh page at a width, watched for problems. */
  page(width?: Width, options?: Parameters<typeof openPage>[3]): Promise<Watched>;
  /** Signs in through the sign-in page and waits to land. */
  signIn(tab: Page, person: Person, landing: RegExp): Promise<void>;
  /** A fresh page signed in as a member of staff, on the console's dashboard. */
  staffPage(person: Person, width?: Width): Promise<Watched>;
  /** Each page (name, path, its heading) opened by a member of staff at both widths: axe finds nothing serious, the page logs no problem. */
  axeAtBothWidths(person: Person, pages: readonly (readonly [string, string, string])[]): Promise<void>;
  /** A REST call with these headers (a POST without a body sends `{}`); the answer, or an error naming the call. */
  rest<T = { id: string }>(path: string, who: Record<string, string>, body?: unknown, method?: string): Promise<T>;
}

/** Registers the file's beforeAll and afterAll; what they start is read through the answer. */
export function browserSuite(name: string, options: SuiteOptions): Suite {
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  let cast: Cast | undefined;
  const open: Watched[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it in a test or a hook after the suite's beforeAll`);
    return value;
  };

  const suite: Suite = {
    get platform() {
      return started(platform, 'the platform');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    get cast() {
      return started(cast, 'the cast (people: true)');
    },
    report: new Report(name),
    open,
    async page(width = 'phone', pageOptions = {}) {
      const watched = await openPage(suite.browser, suite.platform.baseUrl, width, pageOptions);
      open.push(watched);
      if (options.pageClock) await watched.context.clock.install({ time: options.pageClock() });
      return watched;
    },
    async signIn(tab, person, landing) {
      await tab.goto('/login');
      await tab.getByLabel('用户名').fill(person.userName);
      await tab.getByLabel('密码').fill(person.password);
      await tab.getByRole('button', { name: '登录' }).click();
      await tab.waitForURL(landing);
      await tab.locator('main h1').waitFor();
    },
    async staffPage(person, width = 'desktop') {
      const watched = await suite.page(width);
      await suite.signIn(watched.page, person, /\/console\/dashboard$/);
      return watched;
    },
    async axeAtBothWidths(person, pages) {
      for (const width of ['phone', 'desktop'] as const) {
        const { page: staff } = await suite.staffPage(person, width);
        for (const [name, path, heading] of pages) {
          await staff.goto(path);
          await staff.getByRole('heading', { level: 1, name: heading }).waitFor();
          await staff.waitForLoadState('networkidle');
          expect({ name, width, findings: await suite.report.capture(staff, `${name}-all`, width) }).toEqual({ name, width, findings: [] });
        }
        expect(await problemsOf(open[open.length - 1]!)).toEqual([]);
      }
    },
    async rest<T>(path: string, who: Record<string, string>, body?: unknown, method = 'POST'): Promise<T> {
      const sent = body ?? (method === 'GET' ? undefined : {});
      const response = await fetch(`${suite.platform.baseUrl}/api/v1${path}`, {
        method,
        headers: { ...who, ...(sent === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(sent === undefined ? {} : { body: JSON.stringify(sent) }),
      });
      const answer = (await response.json()) as T;
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    },
  };

  beforeAll(async () => {
    [platform, browser] = await Promise.all([
      startPortal({ only: options.services, ...(options.appOptions ? { appOptions: options.appOptions } : {}) }),
      launch(),
    ]);
    if (options.people) cast = await castPeople(platform);
    await options.ready?.(suite);
  }, 120_000);

  afterAll(async () => {
    for (const watched of open) await watched.context.close();
    await browser?.close();
    await platform?.stop();
  });

  return suite;
}
