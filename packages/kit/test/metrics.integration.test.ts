/**
 * The metrics a service booted by the kit records, read from the OpenTelemetry SDK's in-memory
 * exporter: RED per RPC (with the status code of a refused call), the outbox backlog and the
 * published events, a consumer's handling (a failure retried: one redelivery), its lag gauge,
 * job runs, and the document store's commands. Real FerretDB and NATS of the local stack.
 */
import type { OutboxStore } from '@repo/bus';
import { notFound } from '@repo/errors';
import { RpcClient } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import { HealthCheckResponse_ServingStatus } from '@repo/proto/grpc/health/v1';
import { startInMemoryTelemetry } from '@repo/telemetry';
import { cleanupNamespace, credentialsFor, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { probeDefinition, registerNotes, testKitConfig, type Note } from './support';
import { bootService, type ServiceApp } from '../src';

jest.setTimeout(60_000);

const telemetry = startInMemoryTelemetry('kit-metrics');
const namespace = uniqueNamespace('kitm');
const logger = createLogger('kit-test', process.env.TEST_LOG_LEVEL ?? 'silent');
/** A one-method service of the test's own, on the health messages. */
const Probe = probeDefinition('kit.test.v1.Probe');
let app: ServiceApp;
let notes: OutboxStore<Note>;
let client: RpcClient<typeof Probe>;
const failedOnce = new Set<string>();
let handled = 0;

beforeAll(async () => {
  await ensureStack();
  app = await bootService({
    name: 'notes',
    config: testKitConfig(namespace),
    logger,
    address: '127.0.0.1:0',
    modules: (context) => {
      notes = registerNotes(context);
      return [
        {
          grpc: [
            {
              name: 'kit.test.v1.Probe',
              definition: Probe,
              handlers: {
                check: async (request: { service: string }) => {
                  if (request.service === 'missing') throw notFound('PROBE_MISSING', 'no such probe');
                  return { status: HealthCheckResponse_ServingStatus.SERVING };
                },
              },
            },
          ],
          consumers: [
            {
              domain: 'notes',
              durable: 'notes-counter',
              filterType: 'notes.>',
              handler: async (event) => {
                // Every event fails its first delivery, so each one is delivered again.
                if (!failedOnce.has(event.id)) {
                  failedOnce.add(event.id);
                  throw new Error('first delivery fails');
                }
                handled++;
              },
            },
          ],
          jobs: [{ name: 'notes-tick', run: async () => ({ ticked: 1 }) }],
        },
      ];
    },
  });
  const port = await app.start();
  client = new RpcClient(Probe, `127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.close();
  await app?.stop();
  await telemetry.sdk.shutdown();
  await cleanupNamespace(namespace);
});

interface Point {
  attributes: Record<string, unknown>;
  value: number | { count: number; sum?: number };
}

/** The data points of one metric now (a cumulative export of everything recorded). */
async function points(name: string): Promise<Point[]> {
  telemetry.metrics.reset();
  await telemetry.metricReader.forceFlush();
  const found: Point[] = [];
  for (const resource of telemetry.metrics.getMetrics())
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics) if (metric.descriptor.name === name) found.push(...(metric.dataPoints as unknown as Point[]));
  return found;
}
const count = (point: Point | undefined) => (point && typeof point.value === 'object' ? point.value.count : 0);

test('RED per RPC: one duration record per call, by method and status code', async () => {
  const credentials = await credentialsFor({ userId: 'u1', roles: ['member'], orgPath: '/a/' });
  await client.call('check', { service: '' }, credentials);
  await client.call('check', { service: '' }, credentials);
  await expect(client.call('check', { service: 'missing' }, credentials)).rejects.toMatchObject({ code: 5 });
  const calls = await points('rpc.server.call.duration');
  const of = (code: number) => calls.find((p) => p.attributes['rpc.method'] === 'Check' && p.attributes['rpc.grpc.status_code'] === code);
  expect(count(of(0))).toBe(2);
  expect(count(of(5))).toBe(1);
  expect(of(0)?.attributes['rpc.service']).toBe('kit.test.v1.Probe');
});

test('outbox, consumer and store: published events, a redelivery per failed first try, the lag gauge, store commands, job runs', async () => {
  for (const id of ['m1', 'm2', 'm3'])
    await notes.insert({ _id: id, title: id, revision: 1 }, [
      { type: 'notes.note.created', actor: 'u1', orgPath: '/a/', subjectId: id, data: {} },
    ]);
  await waitFor(async () => handled === 3, { timeoutMs: 30_000, what: 'three events handled after one retry each' });
  await app.jobs.tick();

  const published = await points('partybuilding.outbox.published');
  expect(published.reduce((sum, p) => sum + (p.value as number), 0)).toBeGreaterThanOrEqual(3);
  const stream = `${namespace.toUpperCase()}_NOTES`;
  expect(published.every((p) => p.attributes['messaging.destination.name'] === stream)).toBe(true);

  const processed = await points('messaging.process.duration');
  const outcome = (name: string) =>
    count(processed.find((p) => p.attributes.outcome === name && p.attributes['messaging.consumer.group.name'] === 'notes-counter'));
  expect(outcome('retried')).toBe(3);
  expect(outcome('acked')).toBe(3);
  const redeliveries = await points('partybuilding.consumer.redeliveries');
  expect(redeliveries.find((p) => p.attributes['messaging.consumer.group.name'] === 'notes-counter')?.value).toBe(3);

  const lag = await points('partybuilding.consumer.lag');
  expect(lag.find((p) => p.attributes['messaging.consumer.group.name'] === 'notes-counter')).toMatchObject({
    value: 0,
    attributes: { 'messaging.destination.name': stream },
  });
  await waitFor(
    async () => (await points('partybuilding.outbox.backlog')).find((p) => p.attributes['db.collection.name'] === 'notes')?.value === 0,
    {
      what: 'an empty outbox backlog',
    },
  );

  const commands = await points('db.client.operation.duration');
  expect(
    count(commands.find((p) => p.attributes['db.operation.name'] === 'insert' && p.attributes['db.collection.name'] === 'notes')),
  ).toBeGreaterThanOrEqual(3);

  const runs = await points('partybuilding.job.runs');
  expect(runs.find((p) => p.attributes.job === 'notes-tick' && p.attributes.outcome === 'ran')?.value).toBeGreaterThanOrEqual(1);
});
