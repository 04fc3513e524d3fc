/**
 * The bus against real NATS JetStream and the real document store: de-duplication, idempotent
 * consumers, bounded redelivery into the dead-letter stream, and trace context from the write
 * that caused an event to the consumer that handles it.
 */
import { context, trace } from '@opentelemetry/api';
import { connectMongo, type Connection } from '@repo/db';
import { createLogger } from '@repo/logging';
import { startInMemoryTelemetry } from '@repo/telemetry';
import { cleanupNamespace, ensureStack, stackUrls, uniqueNamespace, waitFor } from '@repo/testbed';
import { JSONCodec } from 'nats';
import {
  connectBus,
  createEvent,
  DurableConsumer,
  ensureDeadLetterStream,
  ensureStream,
  EventPublisher,
  OutboxRelay,
  outboxField,
  ProcessedEvents,
  toOutboxEntry,
  type Bus,
  type EventEnvelope,
} from '../src';

jest.setTimeout(60_000);

const logger = createLogger('bus-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const telemetry = startInMemoryTelemetry('bus-test');
const namespace = uniqueNamespace('bus');
let bus: Bus;
let mongo: Connection;
const consumers: DurableConsumer[] = [];

beforeAll(async () => {
  await ensureStack();
  const urls = stackUrls();
  mongo = await connectMongo({ url: `${urls.mongoUrl}/${namespace}`, logger });
  bus = await connectBus({ url: urls.natsUrl, logger, name: 'bus-test', namespace });
  await ensureStream(bus, 'demo');
  await ensureDeadLetterStream(bus);
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await bus.close();
  await mongo.close();
  await telemetry.sdk.shutdown();
  await cleanupNamespace(namespace);
});

function consumer(
  durable: string,
  handler: (event: EventEnvelope) => Promise<void>,
  extra: { concurrency?: number; idempotent?: boolean; processed?: ProcessedEvents; ackWaitMs?: number } = {},
) {
  const c = new DurableConsumer({
    processed: new ProcessedEvents(mongo.collection('processed_events')),
    ...extra,
    bus,
    domain: 'demo',
    durable,
    filterType: `demo.${durable}.>`,
    handler,
    logger,
    maxDeliver: 3,
    retryDelaysMs: [50],
  });
  consumers.push(c);
  return c;
}

test('the stream drops a re-published event, and a consumer handles an event id once', async () => {
  const seen: string[] = [];
  await consumer('dedupe', async (event) => void seen.push(event.id)).start();
  const publisher = new EventPublisher(bus);
  const event = createEvent({ type: 'demo.dedupe.happened', actor: 'u', orgPath: '/1/', subjectId: 's-1', data: {} });
  expect(await publisher.publish(event)).toEqual({ duplicate: false });
  expect(await publisher.publish(event)).toEqual({ duplicate: true });
  // The same envelope again without a message id gets past the stream; the consumer skips it.
  await bus.nc.jetstream().publish(bus.names.subject(event.type), JSONCodec().encode(event));
  const marker = createEvent({ type: 'demo.dedupe.happened', actor: 'u', orgPath: '/1/', subjectId: 's-2', data: {} });
  await publisher.publish(marker);
  await waitFor(async () => seen.includes(marker.id), { what: 'the marker event' });
  expect(seen.filter((id) => id === event.id)).toHaveLength(1);
});

test('an idempotent consumer handles several events at once and keeps no record of them', async () => {
  const handled: string[] = [];
  let active = 0;
  let release: () => void = () => undefined;
  const allThree = new Promise<void>((resolve) => (release = resolve));
  // Each of the first three waits until all three run at once: one after the other, they never would.
  await consumer(
    'parallel',
    async (event) => {
      active += 1;
      if (active === 3) release();
      if (handled.length < 3) await allThree;
      handled.push(event.subjectId);
      active -= 1;
    },
    { concurrency: 3, idempotent: true },
  ).start();
  const publisher = new EventPublisher(bus);
  for (const subjectId of ['p-1', 'p-2', 'p-3', 'p-4'])
    await publisher.publish(createEvent({ type: 'demo.parallel.happened', actor: 'u', orgPath: '/1/', subjectId, data: {} }));
  await waitFor(async () => handled.length === 4, { what: 'four events handled' });
  expect(handled.sort()).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
  expect(await mongo.collection('processed_events').countDocuments({ _id: { $regex: '^parallel:' } } as never)).toBe(0);
});

test('a concurrent consumer whose record of processed events fails pauses, and handles every event once it is back', async () => {
  const records = new ProcessedEvents(mongo.collection('processed_events'));
  let storeUp = false;
  let failures = 0;
  const flaky = Object.assign(Object.create(records) as ProcessedEvents, {
    has: async (durable: string, id: string) => {
      if (!storeUp) {
        failures += 1;
        throw new Error('store unreachable');
      }
      return records.has(durable, id);
    },
  });
  const handled: string[] = [];
  let unhandled = 0;
  const onUnhandled = () => void (unhandled += 1);
  process.on('unhandledRejection', onUnhandled);
  try {
    await consumer('flaky', async (event) => void handled.push(event.subjectId), {
      concurrency: 3,
      processed: flaky,
      ackWaitMs: 1_000,
    }).start();
    const publisher = new EventPublisher(bus);
    for (const subjectId of ['f-1', 'f-2', 'f-3', 'f-4'])
      await publisher.publish(createEvent({ type: 'demo.flaky.happened', actor: 'u', orgPath: '/1/', subjectId, data: {} }));
    // Failed and paused; what was fetched comes again after the ack wait.
    await waitFor(async () => failures >= 2, { what: 'the consumer to fail and try again' });
    storeUp = true;
    await waitFor(async () => ['f-1', 'f-2', 'f-3', 'f-4'].every((id) => handled.includes(id)), {
      what: 'every event once the store is back',
    });
    expect(handled.sort()).toEqual(['f-1', 'f-2', 'f-3', 'f-4']);
    expect(unhandled).toBe(0);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('an event that keeps failing is retried a bounded number of times, then dead-lettered', async () => {
  const attempts = new Map<string, number>();
  await consumer('poison', async (event) => {
    attempts.set(event.subjectId, (attempts.get(event.subjectId) ?? 0) + 1);
    if (event.subjectId === 'bad') throw new Error('cannot handle this one');
  }).start();
  const publisher = new EventPublisher(bus);
  await publisher.publish(createEvent({ type: 'demo.poison.happened', actor: 'u', orgPath: '/1/', subjectId: 'bad', data: {} }));
  await publisher.publish(createEvent({ type: 'demo.poison.happened', actor: 'u', orgPath: '/1/', subjectId: 'good', data: {} }));

  const dlq = bus.names.deadLetterStream();
  await waitFor(async () => (await bus.jsm.streams.info(dlq)).state.messages === 1, { what: 'one dead letter' });
  expect(attempts.get('bad')).toBe(3);
  expect(attempts.get('good')).toBe(1);
  const letter = await bus.jsm.streams.getMessage(dlq, { last_by_subj: bus.names.deadLetterSubject('demo', 'poison') });
  expect(letter.header.get('dead-letter-reason')).toBe('cannot handle this one');
  expect(JSONCodec<EventEnvelope>().decode(letter.data).subjectId).toBe('bad');
});

test("the outbox relay publishes pending events and clears them; the consumer continues the writer's trace", async () => {
  const handled: string[] = [];
  await consumer('traced', async (event) => void handled.push(event.id)).start();
  const collection = mongo.collection('aggregates');
  const tracer = trace.getTracer('bus-test');

  // A write, as a request handler would do it: the change and its event in one document.
  const { event, traceId } = await tracer.startActiveSpan('POST /api/v1/things', async (span) => {
    const e = createEvent({ type: 'demo.traced.created', actor: 'u', orgPath: '/1/', subjectId: 'a-1', data: {} });
    await collection.insertOne({ _id: 'a-1', name: 'thing', [outboxField]: [toOutboxEntry(e)] } as never);
    span.end();
    return { event: e, traceId: span.spanContext().traceId };
  });
  expect(trace.getSpan(context.active())).toBeUndefined();

  const relay = new OutboxRelay({ collection: collection as never, publisher: new EventPublisher(bus), logger, intervalMs: 100 });
  relay.start();
  try {
    await waitFor(async () => handled.includes(event.id), { what: 'the relayed event' });
    await waitFor(async () => ((await collection.findOne({ _id: 'a-1' } as never))?.[outboxField] as unknown[]).length === 0, {
      what: 'an empty outbox',
    });
  } finally {
    await relay.stop();
  }
  const consumeSpan = await waitFor(async () =>
    telemetry.exporter.getFinishedSpans().find((s) => s.name === 'consume demo.traced.created'),
  );
  expect(consumeSpan.spanContext().traceId).toBe(traceId);
});

test('a kicked document is relayed at once by its id; the rest waits for the sweep', async () => {
  const handled: string[] = [];
  await consumer('kicked', async (event) => void handled.push(event.subjectId)).start();
  const collection = mongo.collection('kicked');
  const write = async (id: string) => {
    const e = createEvent({ type: 'demo.kicked.created', actor: 'u', orgPath: '/1/', subjectId: id, data: {} });
    await collection.insertOne({ _id: id, [outboxField]: [toOutboxEntry(e)] } as never);
  };
  const relay = new OutboxRelay({ collection: collection as never, publisher: new EventPublisher(bus), logger, intervalMs: 600_000 });
  relay.start();
  await relay.idle();
  try {
    await write('quiet');
    await write('kicked');
    relay.kick('kicked');
    await waitFor(async () => handled.includes('kicked'), { what: "the kicked document's event" });
    // The first sweep ran at start, before either write; the next is ten minutes away.
    expect(handled).not.toContain('quiet');
    relay.kick();
    await waitFor(async () => handled.includes('quiet'), { what: "the swept document's event" });
    expect(handled.sort()).toEqual(['kicked', 'quiet']);
  } finally {
    await relay.stop();
  }
});

test('with a pending flag the sweep asks for the flag, and lowers it only with an emptied outbox', async () => {
  const handled: string[] = [];
  await consumer('flagged', async (event) => void handled.push(event.subjectId)).start();
  const collection = mongo.collection('flagged');
  const markers = mongo.collection('outboxBatches');
  const entry = (id: string) =>
    toOutboxEntry(createEvent({ type: 'demo.flagged.created', actor: 'u', orgPath: '/1/', subjectId: id, data: {} }));
  await collection.insertMany([
    { _id: 'raised', [outboxField]: [entry('raised')], outboxPending: true },
    // A writer that added an event without raising the flag is not the sweep's to find.
    { _id: 'unflagged', [outboxField]: [entry('unflagged')], outboxPending: false },
    // Published and pulled earlier, the flag left up (a relay stopped in between): lowered now.
    { _id: 'stale', [outboxField]: [], outboxPending: true },
  ] as never);
  const relay = new OutboxRelay({
    collection: collection as never,
    publisher: new EventPublisher(bus),
    logger,
    intervalMs: 600_000,
    pendingField: 'outboxPending',
    batches: markers as never,
  });
  relay.start();
  try {
    await waitFor(async () => handled.includes('raised'), { what: "the flagged document's event" });
    await relay.idle();
    const docs = await collection.find({}, { sort: { _id: 1 } }).toArray();
    expect(docs.map((d) => [d._id, (d[outboxField] as unknown[]).length, d.outboxPending])).toEqual([
      ['raised', 0, false],
      ['stale', 0, false],
      ['unflagged', 1, false],
    ]);

    // A bulk insert under a marker, the flag down from the start: every event goes out, the marker
    // goes, and nothing is written to the documents (their outboxes keep the published events).
    const batch = ['b1', 'b2', 'b3'].map((id) => ({
      _id: id,
      revision: 1,
      outboxBatch: 'batch-1',
      [outboxField]: [entry(id)],
      outboxPending: false,
    }));
    await relay.openBatch('batch-1', batch.length);
    expect(await markers.countDocuments({ _id: 'batch-1' } as never)).toBe(1);
    await collection.insertMany(batch as never);
    // One changes before the batch is relayed: its own relay sends its whole outbox.
    await collection.updateOne(
      { _id: 'b3' } as never,
      { $set: { revision: 2, outboxPending: true }, $push: { [outboxField]: entry('b3-later') } } as never,
    );
    await relay.relayInserted(batch, 'batch-1');
    await waitFor(async () => ['b1', 'b2', 'b3'].every((id) => handled.includes(id)), { what: "the batch's events" });
    expect(await markers.countDocuments({ _id: 'batch-1' } as never)).toBe(0);
    const after = await collection.find({ outboxBatch: 'batch-1' }, { sort: { _id: 1 } }).toArray();
    expect(after.map((d) => [d._id, (d[outboxField] as unknown[]).length, d.outboxPending])).toEqual([
      ['b1', 1, false],
      ['b2', 1, false],
      ['b3', 2, true],
    ]);
    relay.kick();
    await waitFor(async () => handled.includes('b3-later'), { what: "the changed document's events, by the sweep" });
    await relay.idle();
    expect(await collection.findOne({ _id: 'b3' } as never)).toMatchObject({ [outboxField]: [], outboxPending: false });

    // A replica that stopped between a batch's insert and its publishing leaves the marker: the
    // sweep relays the batch once all its documents are there, and deletes the marker.
    const left = ['c1', 'c2'].map((id) => ({
      _id: id,
      revision: 1,
      outboxBatch: 'batch-2',
      [outboxField]: [entry(id)],
      outboxPending: false,
    }));
    await relay.openBatch('batch-2', left.length);
    await collection.insertMany(left as never);
    relay.kick();
    await waitFor(async () => ['c1', 'c2'].every((id) => handled.includes(id)), { what: "the left batch's events, by the sweep" });
    await relay.idle();
    expect(await markers.countDocuments({ _id: 'batch-2' } as never)).toBe(0);

    // A marker whose documents are not all there yet (an insert under way elsewhere) is left alone.
    await relay.openBatch('batch-3', 2);
    await collection.insertOne({
      _id: 'd1',
      revision: 1,
      outboxBatch: 'batch-3',
      [outboxField]: [entry('d1')],
      outboxPending: false,
    } as never);
    relay.kick();
    await relay.idle();
    await relay.relayOnce();
    expect(handled).not.toContain('d1');
    expect(await markers.countDocuments({ _id: 'batch-3' } as never)).toBe(1);
  } finally {
    await relay.stop();
  }
});
