/**
 * Power lists on the real store: drafts, publication and versions (old ones stay readable, the
 * public sees published ones only), executions recorded step by step, and the warnings raised
 * for a step by another actor or past its working-day limit.
 */
import { status } from '@grpc/grpc-js';
import { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/supervision/v1';
import { cleanupNamespace, ensureStack, uniqueNamespace, waitFor } from '@repo/testbed';
import { as, EventFeed, refusal, startSupervision, type RunningSupervision } from '../support';
import { fiveStepDecision } from '../fixtures/five-step-decision';

jest.setTimeout(90_000);

const namespace = uniqueNamespace('powerlists');
let running: RunningSupervision;
let feed: EventFeed;
let power: RpcClient<typeof pb.PowerListServiceService>;
let warnings: RpcClient<typeof pb.WarningServiceService>;

const townshipAdmin = { userId: 'admin-t', roles: ['orgAdmin'], orgPath: '/t/' };
const villageSecretary = { userId: 'secretary-v1', roles: ['secretary'], orgPath: '/t/v1/' };
const otherSecretary = { userId: 'secretary-v2', roles: ['secretary'], orgPath: '/t/v2/' };
const inspector = { userId: 'inspector-t', roles: ['inspector'], orgPath: '/t/' };

const content = (fields: Partial<pb.PowerItemContent> = {}) =>
  pb.PowerItemContent.create({
    ...fiveStepDecision,
    kind: pb.powerItemKindCodec.toProto(fiveStepDecision.kind),
    basis: fiveStepDecision.basis.map((b) => pb.PowerBasis.create(b)),
    process: fiveStepDecision.process.map((s) => pb.ProcessStep.create(s)),
    publicity: pb.Publicity.create(fiveStepDecision.publicity),
    ...fields,
  });

beforeAll(async () => {
  await ensureStack(['ferretdb', 'nats']);
  running = await startSupervision(namespace);
  feed = await EventFeed.open(namespace);
  power = new RpcClient(pb.PowerListServiceService, running.address);
  warnings = new RpcClient(pb.WarningServiceService, running.address);
  for (const [id, path, name] of [
    ['t', '/t/', '某镇'],
    ['v1', '/t/v1/', '某镇甲村'],
    ['v2', '/t/v2/', '某镇乙村'],
  ]) {
    await feed.publish({
      type: 'member.organization.created',
      actor: 'admin',
      orgPath: path!,
      subjectId: id!,
      data: { name, kind: 'branch' },
    });
  }
  await waitFor(
    async () =>
      (await power
        .call('listPowerItems', pb.ListPowerItemsRequest.create({ organizationId: 'v2' }), await as({}))
        .catch(() => undefined)) ?? false,
    {
      what: 'the organisations to be known',
    },
  );
});

afterAll(async () => {
  power?.close();
  warnings?.close();
  await feed?.close();
  await running?.stop();
  await cleanupNamespace(namespace);
});

async function publishedItem(): Promise<pb.PowerItem> {
  const { item } = await power.call('createPowerItem', { organizationId: 'v1', post: '', content: content() }, await as(villageSecretary));
  return (await power.call('publishPowerItem', { id: item!.id, expectedRevision: 0 }, await as(townshipAdmin))).item!;
}

test('a draft is its writers’; published it is public; a new version keeps the old one readable', async () => {
  const { item: draft } = await power.call(
    'createPowerItem',
    { organizationId: 'v1', post: '村党组织书记', content: content() },
    await as(villageSecretary),
  );
  expect(draft).toMatchObject({ publishedVersion: 0, version: { version: 1, status: 'POWER_VERSION_STATUS_DRAFT' } });
  expect(await refusal(power.call('getPowerItem', { id: draft!.id, version: 0 }, await as({})))).toMatchObject({
    grpcStatus: status.NOT_FOUND,
  });
  expect(await refusal(power.call('getPowerItem', { id: draft!.id, version: 0 }, await as(otherSecretary)))).toMatchObject({
    grpcStatus: status.NOT_FOUND,
  });
  // A secretary drafts; publishing is for the organisation's administrators.
  expect(await refusal(power.call('publishPowerItem', { id: draft!.id, expectedRevision: 0 }, await as(villageSecretary)))).toMatchObject({
    grpcStatus: status.PERMISSION_DENIED,
  });
  const { item: v1 } = await power.call('publishPowerItem', { id: draft!.id, expectedRevision: 1 }, await as(townshipAdmin));
  expect(v1!.version!.status).toBe('POWER_VERSION_STATUS_PUBLISHED');
  const { item: seen } = await power.call('getPowerItem', { id: draft!.id, version: 0 }, await as({}));
  expect(seen!.version!.content!.process.map((s) => s.actor)).toEqual(fiveStepDecision.process.map((s) => s.actor));

  await power.call('draftPowerItemVersion', { id: draft!.id }, await as(villageSecretary));
  expect(await refusal(power.call('draftPowerItemVersion', { id: draft!.id }, await as(villageSecretary)))).toMatchObject({
    code: 'POWER_DRAFT_EXISTS',
  });
  const { item: edited } = await power.call(
    'updatePowerItemDraft',
    {
      id: draft!.id,
      content: content({ accountability: '违反程序决策的，追究村党组织书记责任；造成损失的，依规依纪依法处理' }),
      updateMask: ['accountability'],
      expectedRevision: 0,
    },
    await as(villageSecretary),
  );
  expect(edited!.version).toMatchObject({ version: 2, status: 'POWER_VERSION_STATUS_DRAFT' });
  // Parts not named in the mask keep their values; a bad part is named.
  expect(edited!.version!.content!.name).toBe(fiveStepDecision.name);
  expect(
    await refusal(
      power.call(
        'updatePowerItemDraft',
        { id: draft!.id, content: content({ name: '' }), updateMask: ['name'], expectedRevision: 0 },
        await as(villageSecretary),
      ),
    ),
  ).toMatchObject({
    details: { name: 'is required' },
  });
  expect(
    await refusal(
      power.call(
        'updatePowerItemDraft',
        { id: draft!.id, content: content(), updateMask: ['owner'], expectedRevision: 0 },
        await as(villageSecretary),
      ),
    ),
  ).toMatchObject({
    details: { owner: 'is not an updatable field' },
  });
  // The public still sees version 1 while version 2 is a draft.
  expect((await power.call('getPowerItem', { id: draft!.id, version: 0 }, await as({}))).item!.version!.version).toBe(1);
  expect(await refusal(power.call('getPowerItem', { id: draft!.id, version: 2 }, await as({})))).toMatchObject({
    grpcStatus: status.NOT_FOUND,
  });
  await power.call('publishPowerItem', { id: draft!.id, expectedRevision: 0 }, await as(townshipAdmin));
  const current = (await power.call('getPowerItem', { id: draft!.id, version: 0 }, await as({}))).item!;
  expect(current.version!.version).toBe(2);
  expect(current.versions.map((v) => [v.version, v.status])).toEqual([
    [1, 'POWER_VERSION_STATUS_SUPERSEDED'],
    [2, 'POWER_VERSION_STATUS_PUBLISHED'],
  ]);
  const old = (await power.call('getPowerItem', { id: draft!.id, version: 1 }, await as({}))).item!;
  expect(old.version!.content!.accountability).toBe(fiveStepDecision.accountability);
  const listed = await power.call('listPowerItems', pb.ListPowerItemsRequest.create({ organizationId: 't' }), await as({}));
  expect(listed.items.map((i) => i.id)).toContain(draft!.id);
  expect(listed.items.every((i) => i.publishedVersion > 0)).toBe(true);
});

test('an execution is recorded step by step against its version; another actor and a late step are warned', async () => {
  const item = await publishedItem();
  const { execution } = await power.call(
    'startPowerExecution',
    { itemId: item.id, title: '2025年村道硬化项目', startedAt: '2025-09-26' },
    await as(villageSecretary),
  );
  expect(execution).toMatchObject({ version: 1, status: 'POWER_EXECUTION_STATUS_IN_PROGRESS', steps: [] });
  const step = async (actor: string, date: string, caller = villageSecretary) =>
    (await power.call('recordPowerStep', { id: execution!.id, actor, date, note: '', expectedRevision: 0 }, await as(caller))).execution!;
  // Seven working days after 26 September 2025 across the National Day holiday: past the five allowed.
  const late = await step('村党组织', '2025-10-13');
  expect(late.steps[0]).toMatchObject({ workingDays: 7, withinLimit: 'no', byExpectedActor: true });
  const byAnother = await step('村委会主任', '2025-10-14');
  expect(byAnother.steps[1]).toMatchObject({ expectedActor: '村“两委”联席会议', byExpectedActor: false, withinLimit: 'yes' });
  expect(await refusal(step('党员大会', '2025-10-10'))).toMatchObject({
    details: { date: 'cannot be before 2025-10-14, when the previous step was' },
  });
  expect(await refusal(step('党员大会', '2025-10-15', otherSecretary))).toMatchObject({ grpcStatus: status.NOT_FOUND });
  expect(await refusal(step('党员大会', '2025-10-15', { userId: 'm', roles: ['member'], orgPath: '/t/v1/' }))).toMatchObject({
    grpcStatus: status.PERMISSION_DENIED,
  });
  await step('党员大会', '2025-10-15');
  await step('村民代表会议', '2025-10-16');
  const done = await step('村民委员会', '2025-10-17');
  expect(done.status).toBe('POWER_EXECUTION_STATUS_COMPLETED');
  expect(await refusal(step('村民委员会', '2025-10-17'))).toMatchObject({ code: 'POWER_EXECUTION_COMPLETED' });

  const raised = async (ruleId: string) =>
    waitFor(
      async () =>
        (await warnings.call('listWarnings', pb.ListWarningsRequest.create({ ruleId, subjectId: execution!.id }), await as(inspector)))
          .warnings[0],
      { what: `the ${ruleId} warning` },
    );
  expect(await raised('power-step-late')).toMatchObject({ period: '0', orgPath: '/t/v1/' });
  expect(await raised('power-step-by-another')).toMatchObject({ period: '1' });
  // Inspectors read the execution; the public does not.
  expect((await power.call('getPowerExecution', { id: execution!.id }, await as(inspector))).execution!.steps).toHaveLength(5);
  expect(await refusal(power.call('getPowerExecution', { id: execution!.id }, await as({})))).toMatchObject({
    grpcStatus: status.UNAUTHENTICATED,
  });
  const listed = await power.call('listPowerExecutions', pb.ListPowerExecutionsRequest.create({ itemId: item.id }), await as(inspector));
  expect(listed.executions.map((e) => e.id)).toEqual([execution!.id]);
  expect(
    (await power.call('listPowerExecutions', pb.ListPowerExecutionsRequest.create({ itemId: item.id }), await as(otherSecretary)))
      .executions,
  ).toEqual([]);
});

test('a bad item is refused naming each part, and nothing is written', async () => {
  const bad = content({ name: '', process: [pb.ProcessStep.create({ name: '提议', actor: '村党组织', timeLimitDays: 0 })], basis: [] });
  const answer = await refusal(power.call('createPowerItem', { organizationId: 'v1', post: '', content: bad }, await as(villageSecretary)));
  expect(Object.keys(answer.details).sort()).toEqual(['basis', 'name', 'process[0].timeLimitDays']);
  expect(
    await refusal(power.call('createPowerItem', { organizationId: 'v2', post: '', content: content() }, await as(villageSecretary))),
  ).toMatchObject({ grpcStatus: status.NOT_FOUND });
  const mine = await power.call('listPowerItems', pb.ListPowerItemsRequest.create({ organizationId: 'v1' }), await as(villageSecretary));
  expect(mine.items.every((i) => i.version!.content!.name !== '')).toBe(true);
});
