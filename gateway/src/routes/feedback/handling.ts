/** What staff do over REST: the messages in their scope, the workflow steps, statistics, leader posts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as pb from '@repo/proto/feedback/v1';
import { call, errorResponses, IdParam } from '../common';
import type { FeedbackClient } from './messages';
import { pageFieldsOf, staffMessageOf, statisticsOf } from './mapping';
import {
  LeaderPostBody,
  LeaderPostResponse,
  reasons,
  revisits,
  StaffListBody,
  StaffListQuery,
  StaffMessageBody,
  StatisticsBody,
  StatisticsQuery,
  statuses,
  StepBodies,
  types,
  type StepName,
} from './schemas';

type StepBody = Record<string, string | number | undefined>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** Each step's route body as the TakeStep request's oneof. */
const stepOf: Record<StepName, (b: StepBody) => pb.TakeStepRequest['step']> = {
  release: (b) => ({ $case: 'release', release: { note: str(b.note) } }),
  accept: (b) => ({ $case: 'accept', accept: { note: str(b.note) } }),
  return: (b) => ({ $case: 'return', return: { reason: reasons.toProto(str(b.reason)), note: str(b.note) } }),
  assign: (b) => ({ $case: 'assign', assign: { organizationId: str(b.organizationId), note: str(b.note) } }),
  dispute: (b) => ({ $case: 'dispute', dispute: { reason: str(b.reason) } }),
  'answer-dispute': (b) => ({
    $case: 'answerDispute',
    answerDispute: { reassignToOrganizationId: str(b.reassignToOrganizationId), note: str(b.note) },
  }),
  reply: (b) => ({ $case: 'reply', reply: { body: str(b.body) } }),
  extend: (b) => ({ $case: 'extend', extend: { days: Number(b.days), reason: str(b.reason) } }),
  merge: (b) => ({ $case: 'merge', merge: { intoMessageId: str(b.intoMessageId), note: str(b.note) } }),
  rectify: (b) => ({ $case: 'rectify', rectify: { note: str(b.note) } }),
  revisit: (b) => ({ $case: 'revisit', revisit: { result: revisits.toProto(str(b.result)), note: str(b.note) } }),
};

const stepSummaries: Record<StepName, string> = {
  release: 'Release a message the sensitive-word screen held (审核通过); feedback.review',
  accept: 'Accept (受理): the handling deadline starts; refused naming the year when the working-day calendar lacks it',
  return: 'Return (退回) with the reason and a note the writer reads',
  assign: 'Assign (转办) to an organisation in your scope',
  dispute: 'Dispute the assignment (派单异议), by the assignee, within FEEDBACK_DISPUTE_HOURS of it',
  'answer-dispute': 'Answer a dispute, by the assigner: uphold it with a note, or forward to another organisation',
  reply: 'Reply (答复), published at once',
  extend: 'Extend the deadline once (延期), before it passes, with a reason shown publicly',
  merge: 'Merge into another message’s thread (并单)',
  rectify: 'Record what was done about an unsatisfied rating (整改)',
  revisit: 'Record the revisit (回访) of a rectification, by the recipient',
};

export const handlingRoutes: FastifyPluginAsyncTypebox<{ feedback: FeedbackClient }> = async (app, { feedback }) => {
  app.get(
    '/feedback/messages',
    {
      schema: {
        tags: ['message-handling'],
        summary: 'Messages in your scope, newest first, contact details included',
        querystring: StaffListQuery,
        response: { 200: StaffListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const message = pb.ListMessagesRequest.create({
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        status: statuses.toProto(q.status),
        type: types.toProto(q.type),
        domain: q.domain ?? '',
        handlingOrganizationId: q.handlingOrganizationId ?? '',
        overdueOnly: q.overdueOnly ?? false,
      });
      const answer = await call(request, feedback, 'listMessages', message);
      return { ...pageFieldsOf(answer.page), items: answer.messages.map(staffMessageOf) };
    },
  );

  app.get(
    '/feedback/messages/:id',
    {
      schema: {
        tags: ['message-handling'],
        summary: 'One message with its deadlines, history, screen hits and likely duplicates',
        params: IdParam,
        response: { 200: StaffMessageBody, ...errorResponses },
      },
    },
    async (request) => staffMessageOf((await call(request, feedback, 'getMessage', { id: request.params.id })).message),
  );

  for (const name of Object.keys(StepBodies) as StepName[]) {
    app.post(
      `/feedback/messages/:id/${name}`,
      {
        schema: {
          tags: ['message-handling'],
          summary: stepSummaries[name],
          params: IdParam,
          body: StepBodies[name],
          response: { 200: StaffMessageBody, ...errorResponses },
        },
      },
      async (request) => {
        const body = request.body as StepBody;
        const message = pb.TakeStepRequest.create({
          id: request.params.id,
          expectedRevision: Number(body.expectedRevision ?? 0),
          step: stepOf[name](body),
        });
        return staffMessageOf((await call(request, feedback, 'takeStep', message)).message);
      },
    );
  }

  app.get(
    '/feedback/statistics',
    {
      schema: {
        tags: ['message-statistics'],
        summary: 'Reply, on-time, satisfaction and revisit rates of a subtree over a period, by level, organisation and leader post',
        querystring: StatisticsQuery,
        response: { 200: StatisticsBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return statisticsOf(
        await call(request, feedback, 'getStatistics', {
          organizationId: q.organizationId ?? '',
          from: q.from,
          to: q.to,
          organizationRows: q.organizationRows ?? 50,
        }),
      );
    },
  );

  app.post(
    '/feedback/leader-posts',
    {
      schema: {
        tags: ['message-handling'],
        summary: 'Create a leader post messages can be written to (领导职务)',
        body: LeaderPostBody,
        response: { 201: LeaderPostResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { leaderPost } = await call(request, feedback, 'createLeaderPost', {
        ...request.body,
        holderName: request.body.holderName ?? '',
      });
      if (!leaderPost) throw new Error('service answered without a leader post');
      return reply.status(201).send(leaderPost);
    },
  );

  app.post(
    '/feedback/leader-posts/:id/retire',
    {
      schema: {
        tags: ['message-handling'],
        summary: 'Retire a leader post: it takes no new messages',
        params: IdParam,
        response: { 200: LeaderPostResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { leaderPost } = await call(request, feedback, 'retireLeaderPost', { id: request.params.id });
      if (!leaderPost) throw new Error('service answered without a leader post');
      return leaderPost;
    },
  );
};
