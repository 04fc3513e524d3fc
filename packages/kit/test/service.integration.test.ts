/**
 * A service booted by the kit on the real stack: its outbox relays, and the organisation-move
 * follower rewriting a collection's paths when the member service's move event arrives (in
 * order, once per event whatever the redeliveries).
 */
import { createEvent, EventPublisher, type OutboxRecord, type OutboxStore } from '@repo/bus';
import { createLogger } from '@repo/logging';
import { cleanupNamespace, ensureStack, streamEvents, uniqueNamespace, waitFor } from '@repo/testbed';
import { registerNotes, testKitConfig, type Note } from './support';
import { bootService, organizationMovedEvent, placedAt, type ServiceApp } from '../src';

jest.setTimeout(60_000);

const namespace = uniqueNamespace('kit');
const logger = createLogger('kit-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let app: ServiceApp;
let notes: OutboxStore<Note>;

beforeAll(async () => {
  await ensureStack();
  app = await bootService({
    name: 'notes',
    config: testKitConfig(namespace),
    logger,
    address: '127.0.0.1:0',
    reads: ['member'],
    modules: (context) => {
      notes = registerNotes(context, true);
      return [
        {
          organizationPaths: [
            {
              name: 'notes',
              store: notes as unknown as OutboxStore<OutboxRecord>,
              pathFields: ['orgPath'],
              scopesField: 'orgScopes',
              event: (record, { from, to, actor }) => ({
                type: 'notes.note.moved',
                actor,
                orgPath: to,
                subjectId: String(record._id),
                data: { from, to },
              }),
            },
          ],
        },
      ];
    },
  });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await cleanupNamespace(namespace);
});

const pathOf = async (id: string) => (await notes.model.findById(id).lean().exec())?.orgPath;

test('writes relay their events; a subtree move rewrites paths below it, in order, once', async () => {
  await notes.insert({ _id: 'n1', title: 'in the branch', revision: 1, ...placedAt('/a/b/') }, [
    { type: 'notes.note.created', actor: 'u1', orgPath: '/a/b/', subjectId: 'n1', data: {} },
  ]);
  await notes.insert({ _id: 'n2', title: 'below it', revision: 1, ...placedAt('/a/b/g/') }, []);
  await notes.insert({ _id: 'n3', title: 'a sibling', revision: 1, ...placedAt('/a/bb/') }, []);
  await waitFor(async () => (await streamEvents(namespace, 'notes.note.created')).length === 1, { what: 'the created event relayed' });

  const publisher = new EventPublisher(app.bus);
  const first = createEvent({
    type: organizationMovedEvent,
    actor: 'admin',
    orgPath: '/x/b/',
    subjectId: 'b',
    data: { from: '/a/b/', to: '/x/b/' },
  });
  const second = createEvent({
    type: organizationMovedEvent,
    actor: 'admin',
    orgPath: '/y/b/',
    subjectId: 'b',
    data: { from: '/x/b/', to: '/y/b/' },
  });
  await publisher.publish(first);
  await publisher.publish(second);
  // The follower rewrites a move's records in the order the store lists them: wait for both.
  await waitFor(async () => (await pathOf('n1')) === '/y/b/' && (await pathOf('n2')) === '/y/b/g/', { what: 'both moves followed' });
  expect(await pathOf('n3')).toBe('/a/bb/');
  const moved = await notes.model.findById('n2').lean().exec();
  expect(moved?.orgScopes).toEqual(['/', '/y/', '/y/b/', '/y/b/g/']);
  expect(moved?.revision).toBe(3);

  // The same event again (a redelivery, a republish after the duplicate window): nothing changes.
  await new EventPublisher(app.bus).publish({ ...first, id: first.id });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await pathOf('n1')).toBe('/y/b/');
  await waitFor(async () => (await streamEvents(namespace, 'notes.note.moved')).length === 4, {
    what: 'one moved event per note and move',
  });
});
