/**
 * The feedback service in-process on the real local stack under a namespace of its own, on a
 * clock the test moves, with the organisation tree it learns from member events the test
 * publishes as the member service would.
 */
import { fromServiceError, RpcClient, type RequestOf, type ResponseOf } from '@repo/grpc';
import { createLogger } from '@repo/logging';
import * as pb from '@repo/proto/feedback/v1';
import { announceOrganizations, credentialsFor, stackEnv, waitFor, type AnnouncedOrganization } from '@repo/testbed';
import { buildApp, type FeedbackApp } from '../src/app';
import { loadConfig } from '../src/config';

export type FeedbackClient = RpcClient<typeof pb.FeedbackServiceService>;

export interface RunningFeedback {
  app: FeedbackApp;
  client: FeedbackClient;
  clock: { now: Date };
  stop(): Promise<void>;
}

/** A province-time instant: `at('2026-09-30 10:00')` is 10:00 in UTC+8. */
export const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

export async function startFeedback(
  namespace: string,
  env: Record<string, string> = {},
  start = at('2026-09-30 09:00'),
): Promise<RunningFeedback> {
  const clock = { now: start };
  const config = loadConfig({
    ...stackEnv(namespace),
    FEEDBACK_GRPC_ADDR: '127.0.0.1:0',
    OUTBOX_SWEEP_MS: '500',
    JOB_INTERVAL_MS: '3600000',
    ...env,
  });
  const app = await buildApp(config, createLogger('feedback-test', config.LOG_LEVEL), { clock: () => clock.now });
  const port = await app.start();
  const client = new RpcClient(pb.FeedbackServiceService, `127.0.0.1:${port}`, 15_000);
  return {
    app,
    client,
    clock,
    async stop() {
      client.close();
      await app.stop();
    },
  };
}

export type TreeNode = AnnouncedOrganization;

/** A node of the tree: its path is its parent's plus its id. */
export const node = (parent: TreeNode | undefined, id: string, name: string, kind: TreeNode['kind']): TreeNode => ({
  id,
  name,
  kind,
  path: `${parent?.path ?? '/'}${id}/`,
});

/** The organisations as the member service announces them; answers once the service has them all. */
export async function publishTree(running: RunningFeedback, namespace: string, nodes: TreeNode[]): Promise<void> {
  await announceOrganizations(namespace, nodes);
  await waitFor(async () => (await running.app.organizations.byIds(nodes.map((n) => n.id))).size === nodes.length, {
    what: 'the tree in the feedback service',
  });
}

export const asPublic = () => credentialsFor();
export const staffOf = (n: TreeNode, roles: string[] = ['orgAdmin'], userId = `staff-${n.id}`) =>
  credentialsFor({ userId, roles, orgPath: n.path });

let serial = 0;

/** A valid draft to an organisation; a fresh contact each time unless one is given. */
export function draftTo(organizationId: string, overrides: Partial<pb.MessageDraft> = {}): pb.MessageDraft {
  serial++;
  return pb.MessageDraft.create({
    type: pb.MessageType.MESSAGE_TYPE_COMPLAINT,
    domain: '城建',
    organizationId,
    subject: `滨江路小区门口积水（${serial}）`,
    body: '临河区滨江路小区门口每逢下雨积水没过脚踝，老人孩子出行困难，请尽快修缮排水设施。',
    region: '江川市临河区',
    contact: `139${String(10_000_000 + serial).slice(-8)}`,
    contactName: '王先生',
    ...overrides,
  });
}

type Methods = typeof pb.FeedbackServiceService;
type Credentials = { assertion: string; requestId: string };

/**
 * A function calling the service's methods with partial requests, completed as ts-proto's
 * `fromPartial` does (a missing string would otherwise go on the wire as "undefined").
 */
export function caller(running: () => RunningFeedback) {
  return <K extends keyof Methods & string>(
    method: K,
    request: Partial<RequestOf<Methods[K]>>,
    credentials: Promise<Credentials>,
  ): Promise<ResponseOf<Methods[K]>> => {
    const type = (pb as unknown as Record<string, { fromPartial(x: unknown): unknown }>)[
      `${method[0]!.toUpperCase()}${method.slice(1)}Request`
    ]!;
    return credentials.then((c) => running().client.call(method, type.fromPartial(request) as RequestOf<Methods[K]>, c));
  };
}

export const step = (id: string, s: pb.TakeStepRequest['step'], expectedRevision = 0) =>
  pb.TakeStepRequest.create({ id, step: s, expectedRevision });

/** The error code a failed call carries (the x-error-info-bin trailer). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; details: Record<string, string>; grpc: number }> {
  try {
    await promise;
  } catch (err) {
    const remote = fromServiceError(err as never);
    return { code: remote.code, details: remote.details, grpc: remote.grpcStatus };
  }
  throw new Error('expected the call to fail');
}
