/**
 * The test platform: every service of the platform's list built in-process on the real local
 * stack under one namespace, and the gateway in front of them on a real loopback port.
 */
import type { ContentApp } from '@repo/content/app';
import { createLogger } from '@repo/logging';
import type { MemberApp } from '@repo/member/app';
import { addressVariable, listenVariable, platformServices } from '@repo/platform';
import { bearer, cleanupNamespace, ensureStack, randomSecret, stackEnv, testCallerKeys, uniqueNamespace } from '@repo/testbed';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app';
import { loadConfig } from '../src/config';

/** What every service's app.ts and config.ts export (see docs/adding-a-service.md). */
interface ServiceEntry {
  buildApp(
    config: unknown,
    logger: ReturnType<typeof createLogger>,
    options?: unknown,
  ): Promise<{ start(): Promise<number>; stop(): Promise<void> }>;
  loadConfig(env: Record<string, string | undefined>): unknown;
}

function serviceEntry(name: string): ServiceEntry {
  const { buildApp } = require(`@repo/${name}/app`) as Pick<ServiceEntry, 'buildApp'>;
  const { loadConfig: load } = require(`@repo/${name}/config`) as Pick<ServiceEntry, 'loadConfig'>;
  return { buildApp, loadConfig: load };
}

export interface Platform {
  namespace: string;
  /** Every service's app, by name. */
  apps: Record<string, unknown>;
  content: ContentApp;
  member: MemberApp;
  gateway: FastifyInstance;
  /** Where the gateway listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Build only these services (the others' addresses answer nothing). */
  only?: string[];
  /** The third argument of a service's buildApp, by service name (e.g. a clock the test moves). */
  appOptions?: Record<string, unknown>;
}

/** The platform with `overrides` given to every service and the gateway as variables. */
export async function startPlatform(
  overrides: Record<string, string> = {},
  { only, appOptions = {} }: PlatformOptions = {},
): Promise<Platform> {
  await ensureStack();
  const namespace = uniqueNamespace('gw');
  const env: Record<string, string> = { ...stackEnv(namespace), AUTH_TOKEN_SECRET: tokenSecret };
  const apps: Record<string, { start(): Promise<number>; stop(): Promise<void> }> = {};
  const addresses: Record<string, string> = {};
  for (const service of platformServices) {
    if (only && !only.includes(service.name)) {
      addresses[addressVariable(service.name)] = '127.0.0.1:1';
      continue;
    }
    const entry = serviceEntry(service.name);
    const config = entry.loadConfig({ ...env, [listenVariable(service.name)]: '127.0.0.1:0', ...overrides });
    const app = await entry.buildApp(config, createLogger(`${service.name}-test`, env.LOG_LEVEL), appOptions[service.name]);
    apps[service.name] = app;
    addresses[addressVariable(service.name)] = `127.0.0.1:${await app.start()}`;
  }
  const gatewayConfig = loadConfig({
    LOG_LEVEL: env.LOG_LEVEL,
    ...addresses,
    AUTH_TOKEN_SECRET: tokenSecret,
    CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    ...overrides,
  });
  const { app } = await buildGateway(gatewayConfig, createLogger('gateway-test', env.LOG_LEVEL!));
  // Real HTTP on loopback, as portals call it.
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    namespace,
    apps,
    content: apps.content as ContentApp,
    member: apps.member as MemberApp,
    gateway: app,
    baseUrl,
    async stop() {
      await app.close();
      for (const service of Object.values(apps).reverse()) await service.stop();
      await cleanupNamespace(namespace);
    },
  };
}

/** The secret the test platform's member service signs with and its gateway verifies. */
export const tokenSecret = randomSecret();

// Signed tokens stand in for logins here; the auth tests sign in for real.
export const editor = bearer({ userId: 'editor-1', orgPath: '/1/7/', roles: ['orgAdmin'] }, tokenSecret);
export const reviewer = bearer({ userId: 'reviewer-1', orgPath: '/1/', roles: ['orgAdmin'] }, tokenSecret);
export const outsider = bearer({ userId: 'editor-9', orgPath: '/2/', roles: ['orgAdmin'] }, tokenSecret);

let serial = 0;

export function policyBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    kind: 'policy',
    title: `关于进一步落实三会一课制度的通知（样例${serial}）`,
    docNumber: `江组发[2024]${serial}号`,
    agency: '中共江川省委组织部',
    docType: '通知',
    issuedAt: '2024-04-15',
    region: '全省',
    topics: ['组织建设', '三会一课'],
    body: '各级党组织要严格落实三会一课制度，支部党员大会每季度至少召开一次，党小组会每月召开一次。\n\n要把党风廉政建设融入组织生活全过程。',
    ...overrides,
  };
}

export type Call = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers?: Record<string, string>,
  payload?: unknown,
) => Promise<{ status: number; body: { id: string; [key: string]: unknown }; headers: Headers }>;

/** A document taken through the whole workflow by an editor and a reviewer. */
export async function publish(call: Call, overrides: Record<string, unknown> = {}) {
  const created = await call('POST', '/api/v1/documents', editor, policyBody(overrides));
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await call('POST', `/api/v1/documents/${id}/submit`, editor)).status).toBe(200);
  expect((await call('POST', `/api/v1/documents/${id}/approve`, reviewer, { note: '同意' })).status).toBe(200);
  const published = await call('POST', `/api/v1/documents/${id}/publish`, reviewer);
  expect(published.status).toBe(200);
  return published.body;
}

/** Calls the gateway over HTTP the way a portal does. */
export function httpCaller(platform: Platform): Call {
  return async (method, url, headers = {}, payload) => {
    const response = await fetch(`${platform.baseUrl}${url}`, {
      method,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(payload === undefined ? {} : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as { id: string }, headers: response.headers };
  };
}
