/** The feedback service over gRPC: proto in, use case, proto out. Rules and access live below. */
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/feedback/v1';
import type { MessageStatus, MessageType } from '../domain/message';
import { messagePaging, type MessageUseCases } from '../messages/use-cases';
import type { RecipientUseCases } from '../organizations/use-cases';
import { searchLimits, type SearchUseCases } from '../search/use-cases';
import { statisticsLimits, type StatisticsUseCases } from '../statistics/use-cases';
import {
  draftOf,
  leaderPostOf,
  publicMessageOf,
  recipientOf,
  searchResponseOf,
  staffMessageOf,
  statisticsOf,
  stepInputOf,
  trackedMessageOf,
} from './mapping';

export const feedbackServiceName = 'feedback.v1.FeedbackService';

export interface FeedbackUseCases {
  messages: MessageUseCases;
  search: SearchUseCases;
  statistics: StatisticsUseCases;
  recipients: RecipientUseCases;
  /** What GetCatalogue answers (configuration, not stored). */
  catalogue: pb.GetCatalogueResponse;
}

const typeOf = (value: pb.MessageType) => pb.messageTypeCodec.fromProto(value) as MessageType | undefined;

export function feedbackService({ messages, search, statistics, recipients, catalogue }: FeedbackUseCases): ServiceRegistration {
  return defineService(feedbackServiceName, pb.FeedbackServiceService, {
    submitMessage: async (request, { caller }) => {
      const view = await messages.submit(caller, draftOf(request.draft), request.clientAddress);
      return { message: trackedMessageOf(view), trackingCode: view.trackingCode };
    },

    trackMessage: async (request, { caller }) => ({
      message: trackedMessageOf(await messages.track(caller, request.trackingCode, request.contact)),
    }),

    rateReply: async (request, { caller }) => {
      const rating = {
        attitude: request.attitude,
        speed: request.speed,
        overall: pb.satisfactionCodec.fromProto(request.overall) ?? '',
        comment: request.comment,
      };
      return { message: trackedMessageOf(await messages.rate(caller, request.trackingCode, request.contact, rating)) };
    },

    listMyMessages: async (request, { caller }) => {
      const page = pageOf(request, messagePaging);
      const found = await messages.mine(caller, page.page, page.size);
      return { messages: found.items.map(trackedMessageOf), page: pageAnswer(page, found.total) };
    },

    getPublicMessage: async (request, { caller }) => ({ message: publicMessageOf(await messages.getPublic(caller, request.id)) }),

    listPublicMessages: async (request, { caller }) => {
      const page = pageOf(request, { defaultSize: searchLimits.defaultSize, maxSize: searchLimits.maxSize });
      const type = typeOf(request.type);
      const found = await messages.listPublic(caller, {
        ...page,
        ...(type ? { type } : {}),
        ...(request.domain ? { domain: request.domain } : {}),
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
        ...(request.leaderPostId ? { leaderPostId: request.leaderPostId } : {}),
        repliedOnly: request.repliedOnly,
      });
      return { messages: found.items.map(publicMessageOf), page: pageAnswer(page, found.total) };
    },

    searchMessages: async (request, { caller }) => {
      const page = { page: request.page?.page || 1, size: request.page?.size || searchLimits.defaultSize };
      const type = typeOf(request.type);
      const sort = pb.searchSortCodec.fromProto(request.sort) as 'relevance' | 'date' | undefined;
      const result = await search.search(caller, {
        text: request.query,
        ...page,
        ...(type ? { type } : {}),
        ...(request.domain ? { domain: request.domain } : {}),
        ...(request.region ? { region: request.region } : {}),
        ...(request.organizationId ? { organizationId: request.organizationId } : {}),
        repliedOnly: request.repliedOnly,
        ...(sort ? { sort } : {}),
      });
      return searchResponseOf(result, page.page, page.size);
    },

    listRecipients: async (request, { caller }) => ({
      organizations: (await recipients.recipients(caller, request.parentId)).map(recipientOf),
    }),

    getCatalogue: async () => catalogue,

    getMessage: async (request, { caller }) => ({ message: staffMessageOf(await messages.get(caller, request.id)) }),

    listMessages: async (request, { caller }) => {
      const page = pageOf(request, messagePaging);
      const type = typeOf(request.type);
      const status = pb.messageStatusCodec.fromProto(request.status) as MessageStatus | undefined;
      const found = await messages.list(caller, {
        ...page,
        ...(status ? { status } : {}),
        ...(type ? { type } : {}),
        ...(request.domain ? { domain: request.domain } : {}),
        ...(request.handlingOrganizationId ? { handlingOrganizationId: request.handlingOrganizationId } : {}),
        overdueOnly: request.overdueOnly,
      });
      return {
        messages: found.items.map((message) => staffMessageOf({ message, mergedMessages: [] })),
        page: pageAnswer(page, found.total),
      };
    },

    takeStep: async (request, { caller }) => {
      const step = stepInputOf(request);
      if (!step)
        throw validationFailed([
          {
            field: 'step',
            problem: 'names no step: release, accept, return, assign, dispute, answerDispute, reply, extend, merge, rectify or revisit',
          },
        ]);
      return { message: staffMessageOf(await messages.takeStep(caller, request.id, request.expectedRevision, step)) };
    },

    getStatistics: async (request, { caller }) =>
      statisticsOf(
        await statistics.get(caller, {
          organizationId: request.organizationId,
          from: request.from,
          to: request.to,
          organizationRows: request.organizationRows || statisticsLimits.defaultRows,
        }),
      ),

    createLeaderPost: async (request, { caller }) => ({ leaderPost: leaderPostOf(await recipients.createPost(caller, request)) }),

    retireLeaderPost: async (request, { caller }) => ({ leaderPost: leaderPostOf(await recipients.retirePost(caller, request.id)) }),
  });
}
