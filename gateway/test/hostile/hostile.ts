/**
 * What the hostile suites share: requests sent byte for byte as an attacker writes them, the
 * error shape every refusal must have, and a count of what the stores hold, to show that a
 * refused request wrote nothing.
 */
import { bearer, stackUrls } from '@repo/testbed';
import { MongoClient } from 'mongodb';
import { tokenSecret, type Platform } from '../support';

// Answers are checked field by field; their shapes are the OpenAPI schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A superAdmin: the whole tree is in scope, so counts through it see every record. */
export const superAdmin = bearer({ userId: 'hostile-admin', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);
/** Another superAdmin, to review what the first one submits. */
export const reviewer = bearer({ userId: 'hostile-reviewer', roles: ['superAdmin'], orgPath: '/' }, tokenSecret);

/**
 * One request as sent: a body given as a string or bytes goes out unchanged (with the content
 * type in `headers`), any other value as JSON.
 */
export async function send(
  platform: Platform,
  method: Method,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const raw = typeof body === 'string' || body instanceof Uint8Array;
  const response = await fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: body === undefined || raw ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: raw ? (body as string | Uint8Array) : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Json = undefined;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // not JSON: the test looks at `text`
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** The answer is a refusal with this status and code, in the one error shape. */
export function expectRefused(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

/** How many documents the content store holds, in every status (read by a superAdmin). */
export async function documentTotal(platform: Platform): Promise<number> {
  const answer = await send(platform, 'GET', '/api/v1/documents?size=1', { headers: superAdmin });
  expect(answer.status).toBe(200);
  return answer.body.total as number;
}

/** A valid new document of the content service's schema. */
export function documentDraft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'policy',
    title: '关于加强基层党组织建设的通知',
    agency: '中共江川省委组织部',
    docType: '通知',
    issuedAt: '2024-05-20',
    body: '各级党组织要把抓基层、打基础作为长远之计和固本之策。',
    ...overrides,
  };
}

/** A document taken through the workflow by `superAdmin` and `reviewer`; its id. */
export async function publishDocument(platform: Platform, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await send(platform, 'POST', '/api/v1/documents', { headers: superAdmin, body: documentDraft(overrides) });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  for (const [step, who] of [
    ['submit', superAdmin],
    ['approve', reviewer],
    ['publish', reviewer],
  ] as const) {
    expect((await send(platform, 'POST', `/api/v1/documents/${id}/${step}`, { headers: who })).status).toBe(200);
  }
  return id;
}

/** Documents in every collection of the platform's database: what a refused request must leave as it was. */
export async function storeCounts(platform: Platform): Promise<Record<string, number>> {
  const mongo = await new MongoClient(stackUrls().mongoUrl).connect();
  try {
    const db = mongo.db(platform.namespace);
    const counts: Record<string, number> = {};
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray())
      counts[name] = await db.collection(name).countDocuments();
    return counts;
  } finally {
    await mongo.close();
  }
}

/**
 * Waits until the platform's background work on what a test set up (outbox relays, the search
 * indexer's bookkeeping) is done: two counts of the stores a second apart agree.
 */
export async function settled(platform: Platform): Promise<void> {
  let last = JSON.stringify(await storeCounts(platform));
  for (let tries = 0; tries < 30; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = JSON.stringify(await storeCounts(platform));
    if (now === last) return;
    last = now;
  }
  throw new Error(`the platform's stores kept changing: ${last}`);
}
