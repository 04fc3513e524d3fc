/** What the public does over REST: write, follow and rate a message; read, list and search public ones. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RpcClient } from '@repo/grpc';
import * as pb from '@repo/proto/feedback/v1';
import { call, errorResponses, IdParam, publicSecurity } from '../common';
import { pageFieldsOf, publicMessageOf, trackedMessageOf } from './mapping';
import {
  CatalogueBody,
  MineQuery,
  PublicListBody,
  PublicListQuery,
  PublicMessageBody,
  RatingBody,
  RecipientsBody,
  RecipientsQuery,
  reasons,
  satisfactions,
  SearchQuery,
  SearchResultBody,
  sorts,
  SubmitBody,
  SubmittedBody,
  TrackBody,
  TrackedListBody,
  TrackedMessageBody,
  types,
} from './schemas';

export type FeedbackClient = RpcClient<typeof pb.FeedbackServiceService>;

const page = (q: { page?: number; size?: number }) => ({ page: q.page ?? 1, size: q.size ?? 20 });

export const messageRoutes: FastifyPluginAsyncTypebox<{ feedback: FeedbackClient }> = async (app, { feedback }) => {
  app.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Write a message to an organisation or a leader post (留言)',
        description:
          'Anyone may write; the answer carries the tracking code the writer follows the message with, together with the contact. ' +
          'A message whose words the sensitive-word screen finds is held for review (held), never dropped. ' +
          'At most FEEDBACK_CONTACT_DAILY_LIMIT a day per contact and FEEDBACK_ADDRESS_DAILY_LIMIT per client address (429).',
        security: publicSecurity,
        body: SubmitBody,
        response: { 201: SubmittedBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const draft = pb.MessageDraft.create({
        type: types.toProto(b.type),
        domain: b.domain,
        organizationId: b.organizationId ?? '',
        leaderPostId: b.leaderPostId ?? '',
        subject: b.subject,
        body: b.body,
        region: b.region,
        contact: b.contact,
        contactName: b.contactName ?? '',
      });
      const answer = await call(request, feedback, 'submitMessage', { draft, clientAddress: request.ip });
      return reply.status(201).send({ trackingCode: answer.trackingCode, message: trackedMessageOf(answer.message) });
    },
  );

  app.post(
    '/messages/tracking',
    {
      schema: {
        tags: ['messages'],
        summary: 'Follow one’s message with its tracking code and the contact it was written with',
        description: 'A wrong code and a wrong contact answer the same 404, so neither can be guessed apart.',
        security: publicSecurity,
        body: TrackBody,
        response: { 200: TrackedMessageBody, ...errorResponses },
      },
    },
    async (request) => trackedMessageOf((await call(request, feedback, 'trackMessage', request.body)).message),
  );

  app.post(
    '/messages/tracking/rating',
    {
      schema: {
        tags: ['messages'],
        summary: 'Rate the reply: 办理态度 and 办理速度 in stars, and overall; closes the message',
        description:
          'An unsatisfied rating (不满意, 非常不满意) opens a rectification due in FEEDBACK_RECTIFICATION_DAYS working days, then a revisit.',
        security: publicSecurity,
        body: RatingBody,
        response: { 200: TrackedMessageBody, ...errorResponses },
      },
    },
    async (request) => {
      const b = request.body;
      const message = pb.RateReplyRequest.create({ ...b, overall: satisfactions.toProto(b.overall), comment: b.comment ?? '' });
      return trackedMessageOf((await call(request, feedback, 'rateReply', message)).message);
    },
  );

  app.get(
    '/messages/mine',
    {
      schema: {
        tags: ['messages'],
        summary: 'The signed-in user’s own messages, with their tracking codes',
        querystring: MineQuery,
        response: { 200: TrackedListBody, ...errorResponses },
      },
    },
    async (request) => {
      const answer = await call(request, feedback, 'listMyMessages', { page: page(request.query) });
      return { ...pageFieldsOf(answer.page), items: answer.messages.map(trackedMessageOf) };
    },
  );

  app.get(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Accepted messages and their replies, newest first',
        security: publicSecurity,
        querystring: PublicListQuery,
        response: { 200: PublicListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const message = pb.ListPublicMessagesRequest.create({
        page: page(q),
        type: types.toProto(q.type),
        domain: q.domain ?? '',
        organizationId: q.organizationId ?? '',
        leaderPostId: q.leaderPostId ?? '',
        repliedOnly: q.repliedOnly ?? false,
      });
      const answer = await call(request, feedback, 'listPublicMessages', message);
      return { ...pageFieldsOf(answer.page), items: answer.messages.map(publicMessageOf) };
    },
  );

  app.get(
    '/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'One accepted message, its reply and its public steps',
        security: publicSecurity,
        params: IdParam,
        response: { 200: PublicMessageBody, ...errorResponses },
      },
    },
    async (request) => publicMessageOf((await call(request, feedback, 'getPublicMessage', { id: request.params.id })).message),
  );

  app.get(
    '/search/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Search accepted messages and replies',
        description:
          'Chinese full text with the same analysis as policy search (dictionary, synonyms, pinyin), filters, facets and highlights escaped for HTML.',
        security: publicSecurity,
        querystring: SearchQuery,
        response: { 200: SearchResultBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const message = pb.SearchMessagesRequest.create({
        query: q.q ?? '',
        type: types.toProto(q.type),
        domain: q.domain ?? '',
        region: q.region ?? '',
        organizationId: q.organizationId ?? '',
        repliedOnly: q.repliedOnly ?? false,
        sort: sorts.toProto(q.sort),
        page: page(q),
      });
      const answer = await call(request, feedback, 'searchMessages', message);
      return {
        ...pageFieldsOf(answer.page),
        hits: answer.hits.map((h) => ({
          id: h.id,
          type: types.fromProto(h.type) ?? '',
          domain: h.domain,
          subject: h.subject,
          region: h.region,
          organizationName: h.organizationName,
          status: pb.messageStatusCodec.fromProto(h.status) ?? '',
          submittedAt: h.submittedAt ?? '',
          repliedAt: h.repliedAt ?? '',
          highlights: { subject: h.subjectHighlights, body: h.bodyHighlights, reply: h.replyHighlights },
        })),
        facets: {
          type: answer.typeFacets.map((f) => ({ key: types.fromProto(f.key) ?? f.key, count: Number(f.count) })),
          domain: answer.domainFacets.map((f) => ({ key: f.key, count: Number(f.count) })),
        },
        ...(answer.searchedFor ? { searchedFor: answer.searchedFor } : {}),
      };
    },
  );

  app.get(
    '/message-recipients',
    {
      schema: {
        tags: ['messages'],
        summary: 'Organisations a message can be written to, under a parent, with their leader posts',
        security: publicSecurity,
        querystring: RecipientsQuery,
        response: { 200: RecipientsBody, ...errorResponses },
      },
    },
    async (request) => {
      const { organizations } = await call(request, feedback, 'listRecipients', { parentId: request.query.parentId ?? '' });
      return { organizations: organizations.map((o) => ({ ...o, level: pb.organizationLevelCodec.fromProto(o.level) ?? '' })) };
    },
  );

  app.get(
    '/message-catalogue',
    {
      schema: {
        tags: ['messages'],
        summary: 'Message types and their deadlines in working days, domains, rating levels',
        security: publicSecurity,
        response: { 200: CatalogueBody, ...errorResponses },
      },
    },
    async (request) => {
      const c = await call(request, feedback, 'getCatalogue', {});
      return {
        types: c.handlingDays.map((d) => ({ type: types.fromProto(d.type) ?? '', handlingDays: d.workingDays })),
        domains: c.domains,
        acceptanceDays: c.acceptanceDays,
        maxHandlingDays: c.maxHandlingDays,
        ratingWindowDays: c.ratingWindowDays,
        rectificationDays: c.rectificationDays,
        returnReasons: reasons.values,
        satisfactionLevels: satisfactions.values,
        yearsCovered: c.yearsCovered,
      };
    },
  );
};
