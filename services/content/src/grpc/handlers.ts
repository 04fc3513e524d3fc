/** The content service over gRPC: proto in, use case, proto out. Access and rules live below. */
import { validationFailed } from '@repo/errors';
import { defineService, pageAnswer, pageOf, updateMaskOf, type ServiceRegistration } from '@repo/grpc';
import * as pb from '@repo/proto/content/v1';
import { editableFields, type DocumentKind, type DocumentStatus, type EffectiveStatus, type WorkflowAction } from '../domain/document';
import type { SearchSort } from '../domain/search';
import { documentPaging, type DocumentUseCases } from '../documents/use-cases';
import { searchLimits, type SearchUseCases } from '../search/use-cases';
import { fieldsFromDraft, toProtoDocument, toProtoHit, toProtoSearchResponse } from './mapping';

export const contentServiceName = 'content.v1.ContentService';

export function contentService(documents: DocumentUseCases, search: SearchUseCases): ServiceRegistration {
  return defineService(contentServiceName, pb.ContentServiceService, {
    createDocument: async (request, { caller }) => ({
      document: toProtoDocument(await documents.create(caller, fieldsFromDraft(request.draft))),
    }),

    getDocument: async (request, { caller }) => ({ document: toProtoDocument(await documents.get(caller, request.id)) }),

    listDocuments: async (request, { caller }) => {
      const page = pageOf(request, documentPaging);
      const status = pb.documentStatusCodec.fromProto(request.status) as DocumentStatus | undefined;
      const kind = pb.documentKindCodec.fromProto(request.kind) as DocumentKind | undefined;
      const result = await documents.list(caller, {
        ...page,
        ...(status ? { status } : {}),
        ...(kind ? { kind } : {}),
        ...(request.agency ? { agency: request.agency } : {}),
        ...(request.docType ? { docType: request.docType } : {}),
      });
      return { documents: result.items.map(toProtoDocument), page: pageAnswer(page, result.total) };
    },

    updateDocument: async (request, { caller }) => {
      const fields = updateMaskOf(request.updateMask, editableFields);
      const updated = await documents.update(caller, request.id, {
        fields,
        values: fieldsFromDraft(request.draft),
        expectedRevision: request.expectedRevision,
      });
      return { document: toProtoDocument(updated) };
    },

    transitionDocument: async (request, { caller }) => {
      const action = pb.workflowActionCodec.fromProto(request.action) as WorkflowAction | undefined;
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${pb.workflowActionCodec.values.join(', ')}` }]);
      return { document: toProtoDocument(await documents.transition(caller, request.id, action, request.note)) };
    },

    searchDocuments: async (request) => {
      const page = { page: request.page?.page || 1, size: request.page?.size || searchLimits.defaultSize };
      const effectiveStatus = pb.effectiveStatusCodec.fromProto(request.effectiveStatus) as EffectiveStatus | undefined;
      const kind = pb.documentKindCodec.fromProto(request.kind) as DocumentKind | undefined;
      const sort = pb.searchSortCodec.fromProto(request.sort) as SearchSort | undefined;
      const result = await search.search({
        text: request.query,
        ...page,
        ...(request.agency ? { agency: request.agency } : {}),
        ...(request.docType ? { docType: request.docType } : {}),
        ...(effectiveStatus ? { effectiveStatus } : {}),
        ...(kind ? { kind } : {}),
        ...(request.issuedFrom ? { issuedFrom: request.issuedFrom } : {}),
        ...(request.issuedTo ? { issuedTo: request.issuedTo } : {}),
        ...(request.region ? { region: request.region } : {}),
        ...(request.topic ? { topic: request.topic } : {}),
        ...(request.year ? { year: request.year } : {}),
        ...(sort ? { sort } : {}),
        within: request.within,
      });
      return toProtoSearchResponse(result, page.page, page.size);
    },

    suggestDocuments: async (request) => {
      const suggestions = await search.suggest(request.prefix, request.size || searchLimits.defaultSuggestions);
      return { suggestions: suggestions.map((s) => pb.Suggestion.create(s)) };
    },

    relatedDocuments: async (request, { caller }) => ({
      hits: (await search.related(caller, request.id, request.size || searchLimits.defaultRelated)).map(toProtoHit),
    }),
  });
}
