/**
 * The platform for the learning e2e tests: the learning service behind the gateway on the real
 * stack, a publisher of the member, feedback and supervision services' events (which learning
 * follows), and signed tokens for the roles of a small tree: a province, two cities, branches
 * below them.
 */
import { connectBus, createEvent, ensureStream, EventPublisher, type Bus } from '@repo/bus';
import { createLogger } from '@repo/logging';
import { bearer, stackUrls, streamEvents, waitFor } from '@repo/testbed';
import { randomUUID } from 'node:crypto';
import { httpCaller, startPlatform, tokenSecret, type Platform } from './support';

// Response bodies are checked field by field; their shapes are the OpenAPI schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The test tree's organisation ids (uuids, as the member service gives them). */
export const nodes = {
  province: randomUUID(),
  cityA: randomUUID(),
  cityB: randomUUID(),
  branchA1: randomUUID(),
  branchA2: randomUUID(),
  branchB1: randomUUID(),
} as const;

export const tree = {
  province: `/${nodes.province}/`,
  cityA: `/${nodes.province}/${nodes.cityA}/`,
  cityB: `/${nodes.province}/${nodes.cityB}/`,
  branchA1: `/${nodes.province}/${nodes.cityA}/${nodes.branchA1}/`,
  branchA2: `/${nodes.province}/${nodes.cityA}/${nodes.branchA2}/`,
  branchB1: `/${nodes.province}/${nodes.cityB}/${nodes.branchB1}/`,
} as const;

export const staff = {
  superAdmin: bearer({ userId: 'super-1', roles: ['superAdmin'], orgPath: '/' }, tokenSecret),
  province: bearer({ userId: 'org-p', roles: ['orgAdmin'], orgPath: tree.province }, tokenSecret),
  cityA: bearer({ userId: 'org-ca', roles: ['orgAdmin'], orgPath: tree.cityA }, tokenSecret),
  cityB: bearer({ userId: 'org-cb', roles: ['orgAdmin'], orgPath: tree.cityB }, tokenSecret),
  secretaryA1: bearer({ userId: 'sec-a1', roles: ['secretary'], orgPath: tree.branchA1 }, tokenSecret),
  inspectorA: bearer({ userId: 'insp-ca', roles: ['inspector'], orgPath: tree.cityA }, tokenSecret),
};

export interface LearningPlatform {
  platform: Platform;
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    headers?: Record<string, string>,
    payload?: unknown,
  ): Promise<{ status: number; body: Json }>;
  publish(
    type: string,
    subjectId: string,
    orgPath: string,
    data: Record<string, unknown>,
    options?: { actor?: string; occurredAt?: string },
  ): Promise<void>;
  /**
   * A member announced by the member service and a user account it linked to them (both as the
   * member service's events); answers their token.
   */
  member(
    orgPath: string,
    options?: { stage?: string; cadreLevel?: string; posts?: string[]; organizationId?: string; occurredAt?: string },
  ): Promise<{ memberId: string; userId: string; token: Record<string, string> }>;
  events(type: string): Promise<{ id: string; type: string; actor: string; subjectId: string; orgPath: string; data: Json }[]>;
  stop(): Promise<void>;
}

/** The organisation id of a node: its path's last segment. */
export const nodeId = (path: string) => path.split('/').filter(Boolean).pop() ?? '';

export async function startLearningPlatform(): Promise<LearningPlatform> {
  const platform = await startPlatform({ LEARNING_SUMMARY_REFRESH_MS: '100' }, { only: ['learning'] });
  const bus: Bus = await connectBus({
    url: stackUrls().natsUrl,
    logger: createLogger('learning-e2e', 'silent'),
    name: 'learning-e2e',
    namespace: platform.namespace,
  });
  for (const domain of ['member', 'feedback', 'supervision']) await ensureStream(bus, domain);
  const publisher = new EventPublisher(bus);
  const call = httpCaller(platform) as LearningPlatform['call'];
  const publish: LearningPlatform['publish'] = async (type, subjectId, orgPath, data, options = {}) => {
    const { actor = 'member-service', occurredAt } = options;
    await publisher.publish(createEvent({ type, actor, orgPath, subjectId, data, ...(occurredAt ? { occurredAt } : {}) }));
  };
  // The tree's names, as the member service announces its nodes.
  for (const path of Object.values(tree))
    await publish('member.organization.created', nodeId(path), path, { name: `组织${nodeId(path)}`, kind: 'branch' });
  return {
    platform,
    call,
    publish,
    async member(orgPath, options = {}) {
      const memberId = randomUUID();
      const userId = randomUUID();
      await publish(
        'member.member.created',
        memberId,
        orgPath,
        { organizationId: options.organizationId ?? nodeId(orgPath), stage: options.stage ?? 'full' },
        options.occurredAt ? { occurredAt: options.occurredAt } : {},
      );
      // The member service links the account to the member (PATCH /users/:id with memberId).
      await publish('member.user.updated', userId, orgPath, { changed: ['memberId'], memberIdBefore: '', memberId });
      await waitFor(async () => (await call('GET', `/api/v1/learners/${memberId}`, staff.superAdmin)).body.userId === userId, {
        what: `learner ${memberId} linked to ${userId}`,
      });
      if (options.cadreLevel || options.posts) {
        const change = await call('PATCH', `/api/v1/learners/${memberId}`, staff.superAdmin, {
          ...(options.cadreLevel ? { cadreLevel: options.cadreLevel } : {}),
          ...(options.posts ? { posts: options.posts } : {}),
        });
        if (change.status !== 200) throw new Error(`learner ${memberId}: ${JSON.stringify(change.body)}`);
      }
      return { memberId, userId, token: bearer({ userId, roles: ['member'], orgPath }, tokenSecret) };
    },
    events: (type) => streamEvents(platform.namespace, type),
    async stop() {
      await bus.close();
      await platform.stop();
    },
  };
}

let serial = 0;

/** A valid course body; override what a test is about. */
export function courseBody(overrides: Record<string, unknown> = {}): Json {
  serial += 1;
  return {
    title: `学习贯彻党的二十届三中全会精神（第${serial}讲）`,
    topic: `二十届三中全会精神-${serial}`,
    category: 'theory',
    requirement: 'required',
    audience: { kind: 'allMembers' },
    organiserKind: 'organizationDepartment',
    organiserName: '中共江川省委组织部',
    units: [{ title: '全会公报解读', kind: 'article', minutes: 40 }],
    ...overrides,
  };
}

/** Creates and publishes a course as `author`; answers its body. */
export async function publishedCourse(
  lp: LearningPlatform,
  author: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<Json> {
  const created = await lp.call('POST', '/api/v1/courses', author, courseBody(overrides));
  if (created.status !== 201) throw new Error(`course: ${JSON.stringify(created.body)}`);
  const published = await lp.call('POST', `/api/v1/courses/${created.body.id}/publish`, author);
  if (published.status !== 200) throw new Error(`publish: ${JSON.stringify(published.body)}`);
  return published.body;
}

export { waitFor };
