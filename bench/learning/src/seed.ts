/**
 * The seed: the province reaches the learning service the way production feeds it, and the
 * courses and enrolments it studies are written at scale.
 *
 * - The organisation tree and the members (member.organization.created, member.member.imported,
 *   member.user.created linking each member's account) are published on the real NATS in the
 *   member service's envelope; the service's own consumers build its learners, ledgers and
 *   portraits from them.
 * - Cadre levels (a fact only learning holds) and the courses go through the gateway's REST
 *   routes, i.e. the service's use cases.
 * - Enrolments are batched writes through the service's own EnrolmentRepository (insertMany with
 *   each enrolment's learning.enrolment.created event in its outbox, relayed to NATS): the
 *   Enrol use case's duplicate-training checks are not what this benchmark measures, and one
 *   RPC per enrolment would take longer than the day of completions itself.
 */
import { connectBus, createEvent, ensureStream, EventPublisher, Outboxes, type Bus } from '@repo/bus';
import { closeMongo, connectMongo } from '@repo/db';
import { placedAt } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { announceOrganizations } from '@repo/testbed';
import { EnrolmentRepository, enrolmentId, studyEvents } from '../../../services/learning/src/store/enrolments';
import { waitUntil } from '../../search-load/src/proc';
import { round } from '../../search-load/src/stats';
import type { Member, Province } from './dataset';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Runs `work` over `items` with `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** Messages a durable consumer of the run's stream has not handled yet (pending + in flight). */
async function backlog(bus: Bus, domain: string, durable: string): Promise<number> {
  const info = await bus.jsm.consumers.info(bus.names.stream(domain), durable);
  return info.num_pending + info.num_ack_pending;
}

export async function waitForConsumers(bus: Bus, durables: string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    `the service's consumers ${durables.join(', ')} to drain`,
    async () => (await Promise.all(durables.map((d) => backlog(bus, 'member', d)))).every((n) => n === 0),
    timeoutMs,
    1_000,
  );
}

export async function publisherFor(natsUrl: string, namespace: string, logger: Logger): Promise<{ bus: Bus; publisher: EventPublisher }> {
  const bus = await connectBus({ url: natsUrl, logger, name: 'learning-bench', namespace });
  for (const domain of ['member', 'learning']) await ensureStream(bus, domain);
  return { bus, publisher: new EventPublisher(bus) };
}

export async function announceTree(namespace: string, province: Province): Promise<void> {
  for (let i = 0; i < province.all.length; i += 500) await announceOrganizations(namespace, province.all.slice(i, i + 500));
}

/** Each member imported into their branch, and their account linked to them, as the member service announces it. */
export async function publishMembers(
  publisher: EventPublisher,
  members: readonly Member[],
  concurrency: number,
  progress: (done: number) => void,
): Promise<void> {
  let done = 0;
  await pool(members, concurrency, async (m) => {
    await publisher.publish(
      createEvent({
        type: 'member.member.imported',
        actor: 'bench-import',
        orgPath: m.branch.path,
        subjectId: m.memberId,
        data: { organizationId: m.branch.id, stage: 'full' },
      }),
    );
    await publisher.publish(
      createEvent({
        type: 'member.user.created',
        actor: 'bench-import',
        orgPath: m.branch.path,
        subjectId: m.userId,
        data: { memberId: m.memberId, memberIdBefore: '' },
      }),
    );
    if (++done % 5_000 === 0) progress(done);
  });
}

export interface Http {
  (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Json }>;
}

export function httpClient(base: string): Http {
  return async (method, path, headers, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Cadre levels, recorded by an administrator through PATCH /learners/:id (the UpdateLearner use case). */
export async function recordCadres(
  http: Http,
  admin: Record<string, string>,
  members: readonly Member[],
  concurrency: number,
): Promise<void> {
  await pool(
    members.filter((m) => m.cadreLevel),
    concurrency,
    async (m) => {
      const r = await http('PATCH', `/api/v1/learners/${m.memberId}`, admin, { cadreLevel: m.cadreLevel });
      if (r.status !== 200) throw new Error(`cadre ${m.memberId}: ${r.status} ${JSON.stringify(r.body)}`);
    },
  );
}

export interface SeededCourse {
  id: string;
  unitIds: string[];
  body: Json;
}

/** Provincial courses for every member, of `units` articles of 40 minutes (1 class hour each), published. */
export async function publishCourses(http: Http, author: Record<string, string>, count: number, units: number): Promise<SeededCourse[]> {
  const courses: SeededCourse[] = [];
  for (let c = 1; c <= count; c++) {
    const created = await http('POST', '/api/v1/courses', author, {
      title: `学习贯彻党的二十届三中全会精神（第${c}讲）`,
      code: `BENCH-${c}`,
      topic: `二十届三中全会精神-${c}`,
      category: 'theory',
      requirement: 'required',
      audience: { kind: 'allMembers' },
      organiserKind: 'organizationDepartment',
      organiserName: '中共江川省委组织部',
      units: Array.from({ length: units }, (_, u) => ({ title: `第${c}讲第${u + 1}节 全会精神解读`, kind: 'article', minutes: 40 })),
    });
    if (created.status !== 201) throw new Error(`course: ${created.status} ${JSON.stringify(created.body)}`);
    const published = await http('POST', `/api/v1/courses/${created.body.id}/publish`, author);
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
    courses.push({ id: published.body.id, unitIds: published.body.units.map((u: Json) => u.id), body: published.body });
  }
  return courses;
}

/** Member i is enrolled in course i mod courses, in batches through the service's store. */
export async function enrolAll(
  mongoUrl: string,
  publisher: EventPublisher,
  logger: Logger,
  members: readonly Member[],
  courses: readonly SeededCourse[],
  batch: number,
): Promise<{ enrolments: number; seconds: number; perSecond: number }> {
  const t = performance.now();
  const connection = await connectMongo({ url: mongoUrl, logger });
  const outboxes = new Outboxes({ publisher, logger, sweepMs: 60_000 });
  const enrolments = new EnrolmentRepository(connection, outboxes);
  const enrolledAt = new Date().toISOString();
  try {
    for (let i = 0; i < members.length; i += batch) {
      await enrolments.store.insertMany(
        members.slice(i, i + batch).map((m, k) => {
          const course = courses[(i + k) % courses.length]!;
          const id = enrolmentId(course.id, m.memberId);
          const c = course.body;
          return {
            record: {
              _id: id,
              courseId: course.id,
              memberId: m.memberId,
              status: 'enrolled' as const,
              ...placedAt(m.branch.path),
              enrolledAt,
              enrolledBy: 'bench-seed',
              completedAt: '',
              units: {},
              override: null,
              course: {
                title: c.title,
                code: c.code,
                topic: c.topic,
                organiserKind: c.organiserKind,
                organiserName: c.organiserName,
                fullTime: c.fullTime,
                offline: false,
                startDate: '',
                endDate: '',
              },
              quarterHours: 0,
              revision: 1,
            },
            events: [
              {
                type: studyEvents.enrolled,
                actor: 'bench-seed',
                orgPath: m.branch.path,
                subjectId: id,
                data: { courseId: course.id, memberId: m.memberId, title: c.title },
              },
            ],
          };
        }),
      );
    }
  } finally {
    await outboxes.idle();
    await closeMongo(connection);
  }
  const seconds = (performance.now() - t) / 1000;
  return { enrolments: members.length, seconds: round(seconds, 1), perSecond: round(members.length / seconds, 0) };
}
