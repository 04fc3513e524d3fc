/**
 * A message's whole life on the real store, NATS and Elasticsearch, called over gRPC as the
 * gateway would: written by the public, accepted, assigned, disputed, replied, found in search,
 * rated unsatisfied, rectified, revisited; every step an event, none with the contact; scope
 * and roles enforced; deadlines escalated once with several replicas ticking; a subtree move
 * followed.
 */
import { createEvent, EventPublisher } from '@repo/bus';
import * as pb from '@repo/proto/feedback/v1';
import { cleanupNamespace, ensureStack, streamEvents, uniqueNamespace, waitFor } from '@repo/testbed';
import { asPublic, at, caller, draftTo, errorOf, node, publishTree, startFeedback, staffOf, step, type RunningFeedback } from '../support';

jest.setTimeout(120_000);

const namespace = uniqueNamespace('fbflow');
const province = node(undefined, 'prov', '江川省委', 'committee');
const city = node(province, 'city', '江川市委', 'committee');
const district = node(city, 'lh', '临河区委', 'committee');
const otherDistrict = node(city, 'ds', '东山区委', 'committee');
const branch = node(district, 'br1', '滨江社区党支部', 'branch');
let running: RunningFeedback;
const replicas: RunningFeedback[] = [];

beforeAll(async () => {
  await ensureStack();
  running = await startFeedback(namespace);
  await publishTree(running, namespace, [province, city, district, otherDistrict, branch]);
});

afterAll(async () => {
  for (const r of [running, ...replicas]) await r?.stop();
  await cleanupNamespace(namespace);
});

const call = caller(() => running);

describe('a message from the public to the city', () => {
  let id = '';
  let trackingCode = '';
  const contact = '13900000001';

  test('written by the public, who gets a tracking code and follows it with the contact', async () => {
    running.clock.now = at('2026-09-30 10:00');
    const submitted = await call(
      'submitMessage',
      { draft: draftTo(city.id, { contact: '139-0000-0001' }), clientAddress: '203.0.113.7' },
      asPublic(),
    );
    trackingCode = submitted.trackingCode;
    expect(trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    id = submitted.message!.message!.id;
    expect(submitted.message!.message).toMatchObject({
      status: pb.MessageStatus.MESSAGE_STATUS_SUBMITTED,
      recipient: { organizationName: '江川市委' },
    });

    const tracked = await call(
      'trackMessage',
      { trackingCode: trackingCode.toLowerCase().replace(/-/g, ' '), contact: '+86 13900000001' },
      asPublic(),
    );
    expect(tracked.message!.message!.id).toBe(id);
    expect(await errorOf(call('trackMessage', { trackingCode, contact: '13900000002' }, asPublic()))).toMatchObject({
      code: 'FEEDBACK_TRACKING_NOT_FOUND',
    });
    // Not public before it is accepted.
    expect(await errorOf(call('getPublicMessage', { id }, asPublic()))).toMatchObject({ code: 'FEEDBACK_MESSAGE_NOT_FOUND' });
  });

  test('staff see it in scope only; a member has no right to; a sibling district does not find it', async () => {
    const seen = await call('getMessage', { id }, staffOf(city));
    expect(seen.message).toMatchObject({ contact, acceptance: { dueOn: '2026-10-08' } });
    expect(await errorOf(call('getMessage', { id }, staffOf(otherDistrict)))).toMatchObject({ code: 'FEEDBACK_MESSAGE_NOT_FOUND' });
    expect(await errorOf(call('getMessage', { id }, staffOf(city, ['member'])))).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await errorOf(call('getMessage', { id }, asPublic()))).toMatchObject({ code: 'AUTH_REQUIRED' });
    const listed = await call('listMessages', { status: pb.MessageStatus.MESSAGE_STATUS_SUBMITTED }, staffOf(province));
    expect(listed.messages.map((m) => m.id)).toContain(id);
    expect((await call('listMessages', {}, staffOf(otherDistrict))).messages).toHaveLength(0);
  });

  test('accepted by the city, assigned to a district, disputed and upheld, replied in time', async () => {
    running.clock.now = at('2026-10-08 09:00');
    // A district may not accept what was written to the city.
    expect(await errorOf(call('takeStep', step(id, { $case: 'accept', accept: { note: '' } }), staffOf(district)))).toMatchObject({
      code: 'FEEDBACK_MESSAGE_NOT_FOUND',
    });
    const accepted = await call('takeStep', step(id, { $case: 'accept', accept: { note: '已受理' } }, 1), staffOf(city));
    expect(accepted.message).toMatchObject({
      status: pb.MessageStatus.MESSAGE_STATUS_ACCEPTED,
      handling: { dueOn: '2026-10-16' },
      revision: 2,
    });
    expect(await errorOf(call('takeStep', step(id, { $case: 'accept', accept: { note: '' } }, 1), staffOf(city)))).toMatchObject({
      code: 'STALE_REVISION',
    });

    running.clock.now = at('2026-10-08 10:00');
    expect(
      await errorOf(call('takeStep', step(id, { $case: 'assign', assign: { organizationId: 'nowhere', note: '' } }), staffOf(city))),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { organizationId: 'names no organisation in your scope' },
    });
    await call('takeStep', step(id, { $case: 'assign', assign: { organizationId: district.id, note: '请临河区办理' } }), staffOf(city));
    // The assignee sees it now; only its staff dispute it, only the assigner answers.
    running.clock.now = at('2026-10-08 15:00');
    expect(
      await errorOf(call('takeStep', step(id, { $case: 'dispute', dispute: { reason: '不属我区' } }), staffOf(otherDistrict))),
    ).toMatchObject({ code: 'FEEDBACK_MESSAGE_NOT_FOUND' });
    await call('takeStep', step(id, { $case: 'dispute', dispute: { reason: '该路段由市政管理' } }), staffOf(district, ['secretary']));
    expect(
      await errorOf(
        call(
          'takeStep',
          step(id, { $case: 'answerDispute', answerDispute: { reassignToOrganizationId: '', note: '维持' } }),
          staffOf(district),
        ),
      ),
    ).toMatchObject({
      code: 'FEEDBACK_NOT_YOUR_STEP',
    });
    await call(
      'takeStep',
      step(id, { $case: 'answerDispute', answerDispute: { reassignToOrganizationId: '', note: '经核实属临河区管理路段' } }),
      staffOf(city),
    );

    running.clock.now = at('2026-10-12 14:00');
    const replied = await call(
      'takeStep',
      step(id, { $case: 'reply', reply: { body: '已组织维修排水管网，积水问题已解决。' } }),
      staffOf(district, ['secretary']),
    );
    expect(replied.message).toMatchObject({
      status: pb.MessageStatus.MESSAGE_STATUS_REPLIED,
      reply: { onTime: true, workingDays: 4, organizationName: '临河区委' },
    });
  });

  test('public once accepted: the reply and the organisations, never the contact or the writer', async () => {
    const { message } = await call('getPublicMessage', { id }, asPublic());
    expect(message).toMatchObject({
      status: pb.MessageStatus.MESSAGE_STATUS_REPLIED,
      handlingOrganizationName: '临河区委',
      reply: { body: '已组织维修排水管网，积水问题已解决。' },
    });
    const json = JSON.stringify(message);
    for (const secret of [contact, '王先生', 'staff-', '维持', '经核实', '不属']) expect(json).not.toContain(secret);
    expect(message!.history.map((s) => pb.stepActionCodec.fromProto(s.action))).toEqual(['submit', 'accept', 'assign', 'reply']);

    const found = await waitFor(
      async () => {
        const result = await call('searchMessages', { query: '排水管网', page: { page: 1, size: 10 } }, asPublic());
        return result.hits.find((h) => h.id === id);
      },
      { what: 'the replied message in search' },
    );
    expect(found.replyHighlights.join('')).toContain('<em>');
    const listed = await call(
      'listPublicMessages',
      { organizationId: district.id, repliedOnly: true, page: { page: 1, size: 10 } },
      asPublic(),
    );
    expect(listed.messages.map((m) => m.id)).toContain(id);
  });

  test('the writer rates it unsatisfied: closed, a rectification is due, then done and revisited', async () => {
    running.clock.now = at('2026-10-13 09:00');
    const rated = await call(
      'rateReply',
      { trackingCode, contact, attitude: 3, speed: 2, overall: pb.Satisfaction.SATISFACTION_DISSATISFIED, comment: '雨天仍有积水' },
      asPublic(),
    );
    expect(rated.message).toMatchObject({
      message: { status: pb.MessageStatus.MESSAGE_STATUS_CLOSED, satisfaction: pb.Satisfaction.SATISFACTION_DISSATISFIED },
      rectificationDueOn: '2026-11-03',
      canRate: false,
    });
    expect(
      await errorOf(
        call(
          'rateReply',
          { trackingCode, contact, attitude: 5, speed: 5, overall: pb.Satisfaction.SATISFACTION_SATISFIED, comment: '' },
          asPublic(),
        ),
      ),
    ).toMatchObject({
      code: 'FEEDBACK_ALREADY_RATED',
    });
    running.clock.now = at('2026-10-20 09:00');
    await call('takeStep', step(id, { $case: 'rectify', rectify: { note: '加装排水泵' } }), staffOf(district));
    // The revisit is the recipient's: the city checks on its district.
    expect(
      await errorOf(
        call(
          'takeStep',
          step(id, { $case: 'revisit', revisit: { result: pb.RevisitResult.REVISIT_RESULT_RESOLVED, note: '已回访' } }),
          staffOf(district),
        ),
      ),
    ).toMatchObject({
      code: 'FEEDBACK_NOT_YOUR_STEP',
    });
    const revisited = await call(
      'takeStep',
      step(id, { $case: 'revisit', revisit: { result: pb.RevisitResult.REVISIT_RESULT_RESOLVED, note: '电话回访，群众认可' } }),
      staffOf(city),
    );
    expect(revisited.message!.rectification).toMatchObject({
      note: '加装排水泵',
      revisit: { result: pb.RevisitResult.REVISIT_RESULT_RESOLVED, actor: 'staff-city' },
    });
  });

  test('every step was published as an event, in order, and none carries the contact', async () => {
    const types = ['submitted', 'accepted', 'assigned', 'disputed', 'assignmentUpheld', 'replied', 'rated', 'rectified', 'revisited'].map(
      (f) => `feedback.message.${f}`,
    );
    const events = await waitFor(
      async () => {
        const all = (await Promise.all(types.map((t) => streamEvents(namespace, t)))).flat().filter((e) => e.subjectId === id);
        return all.length === types.length ? all : undefined;
      },
      { what: 'the nine events' },
    );
    const byRevision = [...events].sort((a, b) => Number(a.data.revision) - Number(b.data.revision));
    expect(byRevision.map((e) => e.type)).toEqual(types);
    expect(byRevision.find((e) => e.type.endsWith('assigned'))).toMatchObject({
      actor: 'staff-city',
      orgPath: city.path,
      data: { organizationId: district.id, note: '请临河区办理' },
    });
    expect(byRevision[0]!.actor).toBe('writer');
    expect(JSON.stringify(events)).not.toContain(contact);
  });
});

describe('deadlines and escalation with three replicas ticking', () => {
  test('the parent is told once at 80 %, the message is overdue once, however many replicas tick', async () => {
    running.clock.now = at('2026-10-12 10:00');
    const { message } = await call('submitMessage', { draft: draftTo(district.id), clientAddress: '' }, asPublic());
    const id = message!.message!.id;
    for (let i = 0; i < 2; i++) replicas.push(await startFeedback(namespace, {}, running.clock.now));
    const everyone = [running, ...replicas];
    // Each replica ticks once as it starts; let those ticks end so that each tick below is one.
    await Promise.all(everyone.map((r) => r.app.jobs.tick()));
    const tickAll = async (local: string) => {
      for (const r of everyone) r.clock.now = at(local);
      await Promise.all(everyone.map((r) => r.app.jobs.tick(at(local))));
    };
    // Acceptance is due by the end of 13 October; 80 % of its 38 working hours is 13 October 16:24.
    await tickAll('2026-10-13 16:23');
    await tickAll('2026-10-13 16:24');
    await tickAll('2026-10-13 17:00');
    await tickAll('2026-10-14 00:00');
    await tickAll('2026-10-14 00:05');
    const events = async (fact: string) => (await streamEvents(namespace, `feedback.message.${fact}`)).filter((e) => e.subjectId === id);
    await waitFor(async () => (await events('overdue')).length > 0, { what: 'the overdue event' });
    const warned = await events('warned');
    const overdue = await events('overdue');
    expect(warned).toHaveLength(1);
    expect(overdue).toHaveLength(1);
    // The district answers for it; the city, its parent, is told, in the city's scope.
    expect(warned[0]).toMatchObject({
      actor: 'system',
      orgPath: city.path,
      data: { stage: 'acceptance', organizationId: district.id, parentOrganizationId: city.id },
    });
    const seen = await call('getMessage', { id }, staffOf(district));
    expect(seen.message).toMatchObject({
      overdue: true,
      acceptance: { warnedAt: at('2026-10-13 16:24').toISOString(), overdueAt: at('2026-10-14 00:00').toISOString() },
    });
    expect((await call('listMessages', { overdueOnly: true }, staffOf(city))).messages.map((m) => m.id)).toContain(id);
  });
});

describe('a subtree move', () => {
  test('messages follow their organisation; staff of the new parent see them, of the old one not', async () => {
    running.clock.now = at('2026-10-12 10:00');
    const { message } = await call('submitMessage', { draft: draftTo(branch.id), clientAddress: '' }, asPublic());
    const id = message!.message!.id;
    const publisher = new EventPublisher(running.app.bus);
    const to = `${otherDistrict.path}${branch.id}/`;
    await publisher.publish(
      createEvent({
        type: 'member.organization.moved',
        actor: 'admin',
        orgPath: to,
        subjectId: branch.id,
        data: { from: branch.path, to, parentId: otherDistrict.id },
      }),
    );
    await waitFor(async () => (await call('getMessage', { id }, staffOf(otherDistrict))).message!.orgPath === to, {
      what: 'the message to follow the move',
    });
    expect(await errorOf(call('getMessage', { id }, staffOf(district)))).toMatchObject({ code: 'FEEDBACK_MESSAGE_NOT_FOUND' });
    const moved = await waitFor(async () => (await streamEvents(namespace, 'feedback.message.moved')).find((e) => e.subjectId === id), {
      what: 'the moved event',
    });
    expect(moved.data).toMatchObject({ from: branch.path, to });
  });

  test('a renamed organisation is named anew where messages are addressed, its leader posts included', async () => {
    const post = (await call('createLeaderPost', { organizationId: otherDistrict.id, title: '书记', holderName: '' }, staffOf(city)))
      .leaderPost!;
    expect(post.organizationName).toBe('东山区委');
    running.clock.now = at('2026-10-12 11:00');
    await call('submitMessage', { draft: draftTo(otherDistrict.id), clientAddress: '' }, asPublic());
    await running.app.statistics.recompute();
    const statsRow = async () =>
      (await call('getStatistics', { organizationId: city.id, from: '2026-10-12', to: '2026-10-12' }, staffOf(city))).organizations.find(
        (o) => o.organizationId === otherDistrict.id,
      )?.organizationName;
    expect(await statsRow()).toBe('东山区委');
    await new EventPublisher(running.app.bus).publish(
      createEvent({
        type: 'member.organization.updated',
        actor: 'admin',
        orgPath: otherDistrict.path,
        subjectId: otherDistrict.id,
        data: { changed: ['name'], name: '东山县委' },
      }),
    );
    const renamed = await waitFor(
      async () => {
        const { organizations } = await call('listRecipients', { parentId: city.id }, asPublic());
        const found = organizations.find((o) => o.id === otherDistrict.id);
        return found?.name === '东山县委' && found.leaderPosts[0]?.organizationName === '东山县委' ? found : undefined;
      },
      { what: 'the new name in the recipients' },
    );
    expect(renamed.leaderPosts).toEqual([expect.objectContaining({ id: post.id, title: '书记', organizationName: '东山县委' })]);
    // The statistics already computed name it anew too.
    expect(await statsRow()).toBe('东山县委');
  });
});
