/**
 * The feedback service on the test platform, on a clock the test moves (the working-day rules
 * are checked on real 2026 dates), with the organisation tree announced as the member service
 * announces it, and the REST calls its e2e tests make.
 */
import { randomUUID } from 'node:crypto';
import type { FeedbackApp } from '@repo/feedback/app';
import { announceOrganizations, bearer, waitFor, type AnnouncedOrganization } from '@repo/testbed';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

// Response bodies are checked field by field in the tests; their shapes are the OpenAPI schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type Headers = Record<string, string>;

/** A province-time instant: `at('2026-09-30 10:00')` is 10:00 in UTC+8. */
export const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

export type TreeNode = AnnouncedOrganization;

/** A node of the tree under `parent`, with a fresh id. */
export function node(parent: TreeNode | undefined, name: string, kind: TreeNode['kind'] = 'committee'): TreeNode {
  const id = randomUUID();
  return { id, name, kind, path: `${parent?.path ?? '/'}${id}/` };
}

/** A bearer token of a user at `at` with `roles`. */
export const staff = (at: TreeNode, roles: string[] = ['orgAdmin'], userId = `${roles[0]}-${at.name}`): Headers =>
  bearer({ userId, roles, orgPath: at.path }, tokenSecret);

export interface FeedbackPlatform {
  platform: Platform;
  feedback: FeedbackApp;
  clock: { now: Date };
  /** Moves the service's clock to a province-time instant. */
  when(local: string): void;
  call(
    method: 'GET' | 'POST',
    url: string,
    headers?: Headers,
    payload?: unknown,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  /** The raw text of a GET, to look for what must never be in it. */
  raw(url: string, headers?: Headers): Promise<string>;
  /** Writes a message as the public (or the given caller); answers the message's id and tracking code with the answer. */
  write(
    draft: Record<string, unknown>,
    headers?: Headers,
  ): Promise<{ status: number; body: Json; headers: Headers; id: string; trackingCode: string }>;
  /** A workflow step through POST /feedback/messages/:id/<name>. */
  step(id: string, name: string, who: Headers, body?: Record<string, unknown>): Promise<{ status: number; body: Json }>;
  /** The staff view of a message. */
  staffView(id: string, who: Headers): Promise<Json>;
  /** The deadline ticker's work at the clock's time, as its job does it. */
  tick(): Promise<void>;
  /** The hit for message `id` in a public search for `q`, once the index has it. */
  searchUntil(q: string, id: string, query?: string): Promise<Json>;
  stop(): Promise<void>;
}

/**
 * Starts the platform with the feedback service alone on a clock set to `start`, announces the
 * tree, and waits until the service has it.
 */
export async function startFeedbackPlatform(start: string, tree: TreeNode[], env: Record<string, string> = {}): Promise<FeedbackPlatform> {
  const clock = { now: at(start) };
  const platform = await startPlatform(
    // Jobs are ticked by the tests, on the test's clock.
    { JOB_INTERVAL_MS: '3600000', ...env },
    { only: ['feedback'], appOptions: { feedback: { clock: () => clock.now } } },
  );
  const feedback = platform.apps.feedback as FeedbackApp;
  const http = httpCaller(platform);
  const call: FeedbackPlatform['call'] = async (method, url, headers = {}, payload) => {
    const answer = await http(method, url, headers, payload);
    return { status: answer.status, body: answer.body as Json, headers: Object.fromEntries(answer.headers.entries()) };
  };
  await announceOrganizations(platform.namespace, tree);
  await waitFor(async () => (await feedback.organizations.byIds(tree.map((n) => n.id))).size === tree.length, {
    what: 'the tree in the feedback service',
  });
  return {
    platform,
    feedback,
    clock,
    when: (local) => {
      clock.now = at(local);
    },
    call,
    raw: async (url, headers = {}) => (await fetch(`${platform.baseUrl}${url}`, { headers })).text(),
    async write(draft, headers = {}) {
      const answer = await call('POST', '/api/v1/messages', headers, draft);
      return { ...answer, id: answer.body.message?.message?.id ?? '', trackingCode: answer.body.trackingCode ?? '' };
    },
    step: (id, name, who, body = {}) => call('POST', `/api/v1/feedback/messages/${id}/${name}`, who, body),
    async staffView(id, who) {
      const answer = await call('GET', `/api/v1/feedback/messages/${id}`, who);
      if (answer.status !== 200) throw new Error(`GET /feedback/messages/${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async tick() {
      // A tick stops at its budget and the next goes on; a test wants all that is due done.
      while (!(await feedback.ticker.tick(clock.now)).complete);
    },
    searchUntil: (q, id, query = '') =>
      waitFor(
        async () =>
          (await call('GET', `/api/v1/search/messages?q=${encodeURIComponent(q)}${query}`)).body.hits?.find((h: Json) => h.id === id),
        { what: `${id} in a search for ${q}` },
      ),
    stop: () => platform.stop(),
  };
}

let serial = 0;

/** A valid draft to an organisation, with a contact of its own unless one is given. */
export function draft(organizationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  serial++;
  return {
    type: 'complaint',
    domain: '城建',
    organizationId,
    subject: `滨江路积水（${serial}）`,
    body: '滨江路小区门口每逢下雨积水没过脚踝，老人孩子出行困难，请尽快修缮排水设施。',
    region: '江川市临河区',
    contact: `1390${String(process.pid % 1000).padStart(3, '0')}${String(serial).padStart(4, '0')}`,
    contactName: '王先生',
    ...overrides,
  };
}
