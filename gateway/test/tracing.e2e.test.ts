/**
 * One trace from a portal's HTTP request to every consumer of the event it causes, across real
 * processes: the gateway (HTTP server span, gRPC client span) -> the content service (gRPC
 * server span, the outbox relay's NATS publish, a producer span) -> each durable consumer of
 * every service that reads the event (consumer spans: the search indexer, and the audit log and
 * warnings of the supervision service once it is on the platform's list). Every service of the
 * platform's list and the gateway run as processes loading the telemetry with --require, as in
 * production, and export OTLP/HTTP to a receiver this test runs, which keeps the spans in memory;
 * their metrics (RED per route and per RPC, the outbox, the indexer, the store) arrive there too.
 *
 * Which consumers must appear is read from NATS: every durable consumer on the content stream
 * whose filter matches the event's subject. TRACE_SERVICES=content,... limits the services
 * started (a worktree where one does not build yet); by default all of them run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { addressVariable, listenVariable, platformServices } from '@repo/platform';
import { cleanupNamespace, ensureStack, repoRoot, stackEnv, stackUrls, testCallerKeys, uniqueNamespace, waitFor } from '@repo/testbed';
import { connect } from 'nats';
import { editor, policyBody, reviewer, tokenSecret } from './support';

jest.setTimeout(120_000);

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
  attributes: Record<string, string>;
}
/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

const spans: ExportedSpan[] = [];
/** Metric data points as exported: service, metric name, the point's attributes. */
const points: { service: string; name: string; attributes: Record<string, string> }[] = [];
let receiver: Server;
const processes: ChildProcess[] = [];
const namespace = uniqueNamespace('trace');
const started = process.env.TRACE_SERVICES
  ? platformServices.filter((s) => process.env.TRACE_SERVICES!.split(',').includes(s.name))
  : platformServices;

/** OTLP JSON ids are hex in this exporter; base64 is accepted too. */
function hexId(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function startProcess(name: string, script: string, env: Record<string, string>, receiverUrl: string): void {
  const child = spawn(process.execPath, ['--require', '@repo/telemetry/register', join(repoRoot(), script)], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      ...env,
      OTEL_SERVICE_NAME: name,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(child);
}

type OtlpValue = { stringValue?: string; intValue?: string; boolValue?: boolean };
type OtlpTraces = {
  resourceSpans?: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: {
      spans: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        kind: number;
        attributes?: { key: string; value: OtlpValue }[];
      }[];
    }[];
  }[];
};

type OtlpPoint = { attributes?: { key: string; value: OtlpValue }[] };
type OtlpMetrics = {
  resourceMetrics?: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeMetrics: {
      metrics: {
        name: string;
        histogram?: { dataPoints: OtlpPoint[] };
        gauge?: { dataPoints: OtlpPoint[] };
        sum?: { dataPoints: OtlpPoint[] };
      }[];
    }[];
  }[];
};
const attributesOf = (list: { key: string; value: OtlpValue }[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, String(a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? '')]));

function keepMetrics(payload: OtlpMetrics): void {
  for (const rm of payload.resourceMetrics ?? []) {
    const service = attributesOf(rm.resource.attributes)['service.name'] ?? '';
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics)
        for (const p of (m.histogram ?? m.gauge ?? m.sum)?.dataPoints ?? [])
          points.push({ service, name: m.name, attributes: attributesOf(p.attributes) });
  }
}

beforeAll(async () => {
  await ensureStack();
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (!String(request.headers['content-type']).includes('json')) return;
      if (request.url === '/v1/metrics') return keepMetrics(JSON.parse(body) as OtlpMetrics);
      if (request.url !== '/v1/traces') return;
      const payload = JSON.parse(body) as OtlpTraces;
      for (const rs of payload.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              service,
              name: s.name,
              traceId: hexId(s.traceId),
              spanId: hexId(s.spanId),
              parentSpanId: hexId(s.parentSpanId),
              kind: s.kind,
              attributes: attributesOf(s.attributes),
            });
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const child of processes) child.kill('SIGTERM');
  await Promise.all(
    processes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))),
  );
  await new Promise((resolve) => receiver.close(resolve));
  await cleanupNamespace(namespace);
});

/** NATS subject matching: `*` one token, `>` the rest. */
function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/** The durable consumers on the domain's stream that receive events of this type. */
async function consumersOf(domain: string, type: string): Promise<string[]> {
  const nc = await connect({ servers: stackUrls().natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const durables: string[] = [];
    for await (const info of jsm.consumers.list(`${namespace.toUpperCase()}_${domain.toUpperCase()}`)) {
      const filters = [info.config.filter_subject, ...(info.config.filter_subjects ?? [])].filter((f): f is string => Boolean(f));
      if (info.config.durable_name && filters.some((f) => matches(f, `${namespace}.${type}`))) durables.push(info.config.durable_name);
    }
    return durables.sort();
  } finally {
    await nc.close();
  }
}

test('a publish request, its gRPC call, the NATS publish and every consumer of the event share one trace, each span the child of the one before; their metrics arrive', async () => {
  const address = receiver.address();
  const receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const env = { ...stackEnv(namespace), AUTH_TOKEN_SECRET: tokenSecret, CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem };
  const addresses: Record<string, string> = {};
  for (const service of platformServices) {
    const port = started.includes(service) ? await freePort() : 1;
    addresses[addressVariable(service.name)] = `127.0.0.1:${port}`;
    if (started.includes(service))
      startProcess(
        service.name,
        `services/${service.name}/dist/main.js`,
        { ...env, [listenVariable(service.name)]: `127.0.0.1:${port}` },
        receiverUrl,
      );
  }
  const httpPort = await freePort();
  startProcess(
    'gateway',
    'gateway/dist/main.js',
    {
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: String(httpPort),
      ...addresses,
      AUTH_TOKEN_SECRET: tokenSecret,
      CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    },
    receiverUrl,
  );
  const base = `http://127.0.0.1:${httpPort}`;
  const ready = async () => {
    const { services } = (await (await fetch(`${base}/readyz`)).json()) as { services: Record<string, boolean> };
    return started.every((s) => services[s.name]);
  };
  await waitFor(async () => ready().catch(() => false), {
    timeoutMs: 60_000,
    what: `the gateway and ${started.map((s) => s.name).join(', ')}`,
  });

  const post = async (path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  const { id } = await post('/api/v1/documents', editor, policyBody());
  await post(`/api/v1/documents/${id}/submit`, editor);
  await post(`/api/v1/documents/${id}/approve`, reviewer);
  await post(`/api/v1/documents/${id}/publish`, reviewer);

  const type = 'content.document.published';
  const durables = await consumersOf('content', type);
  expect(durables).toContain('content-indexer');

  // Each process exports in its own batches: wait until the whole chain has arrived.
  let problems: string[] = ['no span yet'];
  await waitFor(
    async () => {
      problems = chainProblems(type, durables);
      return problems.length === 0;
    },
    { timeoutMs: 30_000, what: 'the spans of one trace' },
  ).catch(() => undefined);
  expect(problems).toEqual([]);

  // The same processes' metrics, exported every second: RED per route and per RPC, the outbox,
  // the indexer's handling and lag, the document store's commands.
  const expected: [string, string, Record<string, string>][] = [
    ['gateway', 'http.server.request.duration', { 'http.route': '/api/v1/documents/:id/publish', 'http.response.status_code': '200' }],
    ['content', 'rpc.server.call.duration', { 'rpc.method': 'TransitionDocument', 'rpc.grpc.status_code': '0' }],
    ['content', 'partybuilding.outbox.published', {}],
    ['content', 'partybuilding.outbox.backlog', { 'db.collection.name': 'documents' }],
    ['content', 'messaging.process.duration', { 'messaging.consumer.group.name': 'content-indexer', outcome: 'acked' }],
    ['content', 'partybuilding.consumer.lag', { 'messaging.consumer.group.name': 'content-indexer' }],
    ['content', 'db.client.operation.duration', { 'db.collection.name': 'documents' }],
  ];
  const missingMetrics = () =>
    expected
      .filter(
        ([service, name, attributes]) =>
          !points.some(
            (p) => p.service === service && p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
          ),
      )
      .map(([service, name, attributes]) => `${service} ${name} ${JSON.stringify(attributes)}`);
  await waitFor(async () => missingMetrics().length === 0, { timeoutMs: 20_000, what: 'the metrics' }).catch(() => undefined);
  expect(missingMetrics()).toEqual([]);
});

/** What is missing or out of place in the trace of the publish, [] when the chain is whole. */
function chainProblems(type: string, durables: string[]): string[] {
  const publish = spans.find((s) => s.kind === PRODUCER && s.name === `publish ${type}`);
  if (!publish) return [`no producer span "publish ${type}"`];
  const trace = spans.filter((s) => s.traceId === publish.traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const ancestors = (span: ExportedSpan): ExportedSpan[] => {
    const chain: ExportedSpan[] = [];
    for (let parent = byId.get(span.parentSpanId); parent && chain.length < 50; parent = byId.get(parent.parentSpanId)) chain.push(parent);
    return chain;
  };
  const problems: string[] = [];
  const above = ancestors(publish);
  const expectAbove = (what: string, match: (s: ExportedSpan) => boolean) => {
    if (!above.some(match)) problems.push(`the publish span has no ancestor that is ${what}`);
  };
  expectAbove(
    "the content service's gRPC server span of TransitionDocument",
    (s) => s.service === 'content' && s.kind === SERVER && s.name.includes('TransitionDocument'),
  );
  expectAbove(
    "the gateway's gRPC client span of TransitionDocument",
    (s) => s.service === 'gateway' && s.kind === CLIENT && s.name.includes('TransitionDocument'),
  );
  expectAbove("the gateway's HTTP server span of the POST", (s) => s.service === 'gateway' && s.kind === SERVER && /POST/.test(s.name));
  for (const durable of durables) {
    const consumed = trace.find(
      (s) => s.kind === CONSUMER && s.name === `consume ${type}` && s.attributes['messaging.consumer.group.name'] === durable,
    );
    if (!consumed) problems.push(`no consumer span of ${durable}`);
    else if (consumed.parentSpanId !== publish.spanId)
      problems.push(`the consumer span of ${durable} is not the child of the publish span`);
  }
  return problems;
}
