/**
 * Start, stop and await the local stack from tests. The stack itself is run by the scripts in
 * deploy/local/, so tests, `npm start` and `npm test` share one way of doing it.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { testCallerKeys } from './callers';
import { repoRoot } from './paths';

export { repoRoot };

const run = promisify(execFile);

/** `ferretdb` brings `postgres` along when FerretDB runs on PostgreSQL (the default backend). */
export type StackComponent = 'postgres' | 'ferretdb' | 'elasticsearch' | 'nats';

async function script(name: 'start' | 'stop' | 'status', components: StackComponent[]): Promise<string> {
  const { stdout } = await run('bash', [join(repoRoot(), 'deploy/local', `${name}.sh`), ...components], {
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Starts whatever is not running yet and waits until it is healthy (a no-op when it is). */
export async function ensureStack(components: StackComponent[] = []): Promise<void> {
  await script('start', components);
}

export async function stopComponent(component: StackComponent): Promise<void> {
  await script('stop', [component]);
}

export async function startComponent(component: StackComponent): Promise<void> {
  await script('start', [component]);
}

/** Where the local stack listens (same variables as the deploy/local scripts). */
export function stackUrls() {
  const env = process.env;
  return {
    mongoUrl: `mongodb://127.0.0.1:${env.MONGO_PORT ?? '27017'}`,
    elasticsearchUrl: `http://127.0.0.1:${env.ES_PORT ?? '9200'}`,
    natsUrl: `nats://127.0.0.1:${env.NATS_PORT ?? '4222'}`,
  };
}

/** A short unique lower-case name for one test file's databases, streams and indices. */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** Polls until `check` returns a value other than undefined/false, or fails with the last reason. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastError ? `: ${(lastError as Error).message}` : ''));
}

/**
 * Environment for one test file's service instances: its own database, streams and indices
 * under `namespace`, on the local stack.
 */
export function stackEnv(namespace: string): Record<string, string> {
  const urls = stackUrls();
  return {
    MONGO_URL: `${urls.mongoUrl}/${namespace}`,
    NATS_URL: urls.natsUrl,
    ELASTICSEARCH_URL: urls.elasticsearchUrl,
    BUS_NAMESPACE: namespace,
    SEARCH_INDEX_PREFIX: `${namespace}-`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The services verify callers with the test process's key; testbed signs with its twin.
    CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem,
  };
}

/**
 * Drops what a test file (or a benchmark run) left behind: its database (named after the
 * namespace unless `database` says otherwise), its streams and its indices.
 */
export async function cleanupNamespace(namespace: string, { database = namespace }: { database?: string } = {}): Promise<void> {
  const urls = stackUrls();
  const mongo = new MongoClient(urls.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    await mongo.connect();
    await mongo.db(database).dropDatabase();
  } finally {
    await mongo.close();
  }
  const es = new Client({ node: urls.elasticsearchUrl });
  try {
    // Deleting by wildcard is refused (action.destructive_requires_name), so name each index.
    const indices = Object.keys(await es.indices.get({ index: `${namespace}-*`, allow_no_indices: true }));
    if (indices.length > 0) await es.indices.delete({ index: indices });
  } finally {
    await es.close();
  }
  const nc = await connect({ servers: urls.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${namespace.toUpperCase()}_`)) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await nc.close();
  }
}
export * from './identity';
export * from './callers';
export * from './local-keys';

/**
 * The events of one type a test namespace's stream holds (e.g. member.member.stageChanged),
 * oldest first, read with an ordered consumer that leaves no trace.
 */
export async function streamEvents(
  namespace: string,
  type: string,
): Promise<{ id: string; type: string; actor: string; subjectId: string; orgPath: string; data: Record<string, unknown> }[]> {
  const domain = type.split('.')[0]!;
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const js = nc.jetstream();
    const consumer = await js.consumers.get(`${namespace.toUpperCase()}_${domain.toUpperCase()}`, {
      filterSubjects: [`${namespace}.${type}`],
    });
    const pending = (await consumer.info()).num_pending;
    const events = [];
    while (events.length < pending) {
      const message = await consumer.next({ expires: 2_000 });
      if (!message) break;
      events.push(
        message.json<{ id: string; type: string; actor: string; subjectId: string; orgPath: string; data: Record<string, unknown> }>(),
      );
    }
    return events;
  } finally {
    await nc.close();
  }
}
export * from './national-ids';
export * from './relay';

/** A node of the organisation tree as the member service announces it. */
export interface AnnouncedOrganization {
  id: string;
  name: string;
  kind: 'committee' | 'generalBranch' | 'branch' | 'group';
  /** Materialised path, the node's own id last: /a/b/. */
  path: string;
}

/**
 * Publishes `member.organization.created` for each node into a test namespace's member stream,
 * in the envelope the member service uses, for services that keep their own copy of the tree.
 * The stream must exist (a service that reads member events ensures it at start).
 */
export async function announceOrganizations(namespace: string, nodes: AnnouncedOrganization[]): Promise<void> {
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const js = nc.jetstream();
    for (const node of nodes) {
      const id = randomUUID();
      const parentId = node.path.split('/').filter(Boolean).slice(-2, -1)[0] ?? '';
      const event = {
        id,
        type: 'member.organization.created',
        occurredAt: new Date().toISOString(),
        actor: 'testbed',
        orgPath: node.path,
        subjectId: node.id,
        data: { name: node.name, kind: node.kind, parentId },
      };
      await js.publish(`${namespace}.${event.type}`, JSON.stringify(event), { msgID: id });
    }
  } finally {
    await nc.close();
  }
}
