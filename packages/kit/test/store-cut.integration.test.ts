/**
 * A document store outage as a caller sees it: a service booted by the kit reaches the shared
 * FerretDB through a relay of the test's own, which the test cuts (open connections dropped, new
 * ones refused, as when FerretDB is killed) without touching the store other tests use. Reads
 * and writes must be answered UNAVAILABLE with a retry hint (503 with Retry-After at the
 * gateway) within the callers' 5 s deadline, not DEADLINE_EXCEEDED (504): the driver's server
 * selection gives up first. Restored, the same service answers again.
 */
import { status } from '@grpc/grpc-js';
import type { OutboxStore } from '@repo/bus';
import { defaultDeadlineMs, fromServiceError, isServiceError, RpcClient } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import { HealthCheckResponse_ServingStatus } from '@repo/proto/grpc/health/v1';
import { cleanupNamespace, credentialsFor, ensureStack, stackUrls, TcpRelay, throughRelay, uniqueNamespace, waitFor } from '@repo/testbed';
import { probeDefinition, registerNotes, testKitConfig, type Note } from './support';
import { bootService, type ServiceApp } from '../src';

jest.setTimeout(90_000);

const namespace = uniqueNamespace('kitcut');
const logger = createLogger('kit-test', process.env.TEST_LOG_LEVEL ?? 'silent');
/** A one-method service of the test's own: `read` reads a note, `write` records one with its event. */
const Probe = probeDefinition('kit.test.v1.StoreProbe');
let notes: OutboxStore<Note>;
let relay: TcpRelay;
let app: ServiceApp;
let client: RpcClient<typeof Probe>;
let written = 0;

beforeAll(async () => {
  await ensureStack();
  const store = new URL(stackUrls().mongoUrl);
  relay = await TcpRelay.open({ host: store.hostname, port: Number(store.port) });
  const config = testKitConfig(namespace);
  app = await bootService({
    name: 'notes',
    config: { ...config, MONGO_URL: throughRelay(config.MONGO_URL, relay) },
    logger,
    address: '127.0.0.1:0',
    modules: (context) => {
      notes = registerNotes(context);
      return [
        {
          grpc: [
            {
              name: 'kit.test.v1.StoreProbe',
              definition: Probe,
              handlers: {
                check: async (request: { service: string }) => {
                  if (request.service === 'write') {
                    const id = `w${++written}`;
                    await notes.insert({ _id: id, title: id, revision: 1 }, [
                      { type: 'notes.note.created', actor: 'u1', orgPath: '/a/', subjectId: id, data: {} },
                    ]);
                  } else await notes.model.findById('w1').lean().exec();
                  return { status: HealthCheckResponse_ServingStatus.SERVING };
                },
              },
            },
          ],
        },
      ];
    },
  });
  const port = await app.start();
  // The gateway's deadline: an answer after it would reach the client as DEADLINE_EXCEEDED.
  client = new RpcClient(Probe, `127.0.0.1:${port}`, defaultDeadlineMs);
});

afterAll(async () => {
  client?.close();
  await relay?.restore();
  await app?.stop();
  await relay?.cut();
  await cleanupNamespace(namespace);
});

/** The call's failure as the gateway reads it (status, code, retry hint). */
async function failure(service: string) {
  const credentials = await credentialsFor({ userId: 'u1', roles: ['member'], orgPath: '/a/' });
  const err = await client.call('check', { service }, credentials).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isServiceError(err)) throw new Error(`the ${service} answered ${err === undefined ? 'OK' : String(err)} with the store cut`);
  return fromServiceError(err);
}

test('with the store unreachable, reads and writes answer UNAVAILABLE with a retry hint within the deadline; restored, they work again', async () => {
  const credentials = await credentialsFor({ userId: 'u1', roles: ['member'], orgPath: '/a/' });
  await client.call('check', { service: 'write' }, credentials);
  await client.call('check', { service: 'read' }, credentials);

  await relay.cut();
  for (const service of ['read', 'write', 'read']) {
    const answered = await failure(service);
    expect({ service, status: answered.grpcStatus, code: answered.code, details: answered.details }).toEqual({
      service,
      status: status.UNAVAILABLE,
      code: 'DEPENDENCY_UNAVAILABLE',
      details: { dependency: 'document store', retryAfterSeconds: '5' },
    });
  }

  await relay.restore();
  await waitFor(
    async () =>
      client.call('check', { service: 'write' }, credentials).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 30_000, what: 'writes accepted again once the store is reachable' },
  );
  await client.call('check', { service: 'read' }, credentials);
});
