/**
 * One trace from a portal's HTTP request to the indexer that handles its event, across real
 * processes: gateway (HTTP server, gRPC client) -> content service (gRPC server, outbox) ->
 * NATS -> content service (consumer). Both processes load the telemetry with --require, as in
 * production, and export OTLP/HTTP to a collector this test runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { cleanupNamespace, ensureStack, repoRoot, stackEnv, testCallerKeys, uniqueNamespace, waitFor } from '@repo/testbed';
import { editor, policyBody, reviewer, tokenSecret } from './support';

jest.setTimeout(120_000);

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  kind: number;
}

const spans: ExportedSpan[] = [];
let collector: Server;
const processes: ChildProcess[] = [];
const namespace = uniqueNamespace('trace');

/** OTLP JSON ids are hex in this exporter; base64 is accepted too. */
function hexId(id: string): string {
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

function startService(name: string, script: string, env: Record<string, string>, collectorUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--require', '@repo/telemetry/register', join(repoRoot(), script)], {
    cwd: repoRoot(),
    env: { ...process.env, ...env, OTEL_SERVICE_NAME: name, OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_BSP_SCHEDULE_DELAY: '100' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(child);
  return child;
}

beforeAll(async () => {
  await ensureStack();
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      // Only the trace exporter's JSON matters here; metrics and logs may arrive as protobuf.
      if (request.url !== '/v1/traces' || !String(request.headers['content-type']).includes('json')) return;
      const payload = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { name: string; traceId: string; kind: number }[] }[];
        }[];
      };
      for (const rs of payload.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) spans.push({ service, name: s.name, traceId: hexId(s.traceId), kind: s.kind });
      }
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const child of processes) child.kill('SIGTERM');
  await Promise.all(
    processes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))),
  );
  await new Promise((resolve) => collector.close(resolve));
  await cleanupNamespace(namespace);
});

test('a publish request, its gRPC call and the indexer handling its event share one trace', async () => {
  const address = collector.address();
  const collectorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  startService(
    'content',
    'services/content/dist/main.js',
    { ...stackEnv(namespace), CONTENT_GRPC_ADDR: `127.0.0.1:${grpcPort}` },
    collectorUrl,
  );
  startService(
    'gateway',
    'gateway/dist/main.js',
    {
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: String(httpPort),
      CONTENT_ADDR: `127.0.0.1:${grpcPort}`,
      AUTH_TOKEN_SECRET: tokenSecret,
      CALLER_SIGNING_KEY: testCallerKeys.privateKeyPem,
    },
    collectorUrl,
  );
  const base = `http://127.0.0.1:${httpPort}`;
  // Only the content service runs here, so readiness is read per service.
  const contentReady = async () => ((await (await fetch(`${base}/readyz`)).json()) as { services: { content: boolean } }).services.content;
  await waitFor(async () => contentReady().catch(() => false), { timeoutMs: 30_000, what: 'the gateway and the content service' });

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

  // Each process exports in its own batches: wait until every expected span has arrived.
  const expected = {
    'gateway HTTP server span': (s: ExportedSpan) => s.service === 'gateway' && /POST/.test(s.name),
    'gateway gRPC client span': (s: ExportedSpan) => s.service === 'gateway' && s.name.includes('TransitionDocument'),
    'content gRPC server span': (s: ExportedSpan) => s.service === 'content' && s.name.includes('TransitionDocument'),
  };
  const missingFrom = (trace: ExportedSpan[]) =>
    Object.entries(expected)
      .filter(([, match]) => !trace.some(match))
      .map(([name]) => name);
  let missing: string[] = Object.keys(expected);
  await waitFor(
    async () => {
      const consumed = spans.find((s) => s.service === 'content' && s.name === 'consume content.document.published');
      missing = consumed ? missingFrom(spans.filter((s) => s.traceId === consumed.traceId)) : ['content consumer span'];
      return missing.length === 0;
    },
    { timeoutMs: 20_000, what: 'the spans of one trace' },
  ).catch(() => undefined);
  expect(missing).toEqual([]);
});
