/** gRPC handlers: check access, apply the domain rules, persist, answer in proto. */
import { validationFailed } from '@repo/errors';
import { pageOf as pageRequest, unary, type CallContext } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import * as pb from '@repo/proto/content/v1';
import { assertChangeable, assertMay, assertVisible, ownerPathOf, unpublishedScope, visibleStatuses, workflowActionRights, type Caller } from '../domain/access';
import {
  applyStep,
  assertEditable,
  documentEvents,
  isCalendarDate,
  validateFields,
  type DocumentFields,
} from '../domain/document';
import type { DocumentRepository } from '../store/documents';
import type { SearchIndex } from '../store/search-index';
import { actionCodec, effectiveCodec, fieldsFromDraft, kindCodec, maskFields, sortCodec, statusCodec, toProtoDocument, toProtoHit, toProtoSearchResponse } from './mapping';

export const paging = { defaultSize: 20, maxSize: 100, maxSearchSize: 50, maxSearchWindow: 10_000, maxQueryChars: 200, maxWithin: 5, defaultSuggestions: 8, maxSuggestions: 10, defaultRelated: 5, maxRelated: 20 } as const;

function pageOf(request: { page?: pb.ListDocumentsRequest['page'] }, maxSize: number): { page: number; size: number } {
  return pageRequest(request, { defaultSize: paging.defaultSize, maxSize });
}

function callerOf(context: CallContext): Caller {
  const { userId, roles, orgPath } = context.identity;
  return { userId, roles, orgPath };
}


export interface ContentHandlerDeps {
  documents: DocumentRepository;
  search: SearchIndex;
  logger: Logger;
}

export function contentHandlers({ documents, search, logger }: ContentHandlerDeps): pb.ContentServiceServer {
  return {
    createDocument: unary(logger, async (request: pb.CreateDocumentRequest, context) => {
      const caller = callerOf(context);
      assertMay(caller, 'content.write');
      const fields = validateFields(fieldsFromDraft(request.draft));
      const document = await documents.create(fields, caller.userId, ownerPathOf(caller));
      return { document: toProtoDocument(document) };
    }),

    getDocument: unary(logger, async (request: pb.GetDocumentRequest, context) => {
      const document = await documents.get(request.id);
      assertVisible(callerOf(context), document);
      return { document: toProtoDocument(document) };
    }),

    listDocuments: unary(logger, async (request: pb.ListDocumentsRequest, context) => {
      const caller = callerOf(context);
      const { page, size } = pageOf(request, paging.maxSize);
      const requested = statusCodec.fromProto(request.status);
      const allowed = visibleStatuses(caller);
      const statuses = requested ? (allowed && !allowed.includes(requested) ? [] : [requested]) : allowed;
      const result = await documents.list(
        {
          ...(statuses ? { statuses } : {}),
          ...(kindCodec.fromProto(request.kind) ? { kind: kindCodec.fromProto(request.kind)! } : {}),
          ...(request.agency ? { agency: request.agency } : {}),
          ...(request.docType ? { docType: request.docType } : {}),
          ...(allowed ? {} : { scope: { orgPath: unpublishedScope(caller)!, orPublished: true } }),
        },
        page,
        size,
      );
      return {
        documents: result.items.map(toProtoDocument),
        page: { page, size, total: String(result.total) },
      };
    }),

    updateDocument: unary(logger, async (request: pb.UpdateDocumentRequest, context) => {
      const caller = callerOf(context);
      assertMay(caller, 'content.write');
      const current = await documents.get(request.id);
      assertVisible(caller, current);
      assertChangeable(caller, current);
      assertEditable(current);
      if (request.expectedRevision > 0 && request.expectedRevision !== current.revision) {
        throw validationFailed([{ field: 'expectedRevision', problem: `is ${request.expectedRevision} but the document is at ${current.revision}` }]);
      }
      const unknown = request.updateMask.filter((name) => !(name in maskFields));
      if (unknown.length) throw validationFailed(unknown.map((field) => ({ field, problem: 'is not an updatable field' })));
      if (request.updateMask.length === 0) throw validationFailed([{ field: 'updateMask', problem: 'names no field to change' }]);
      const incoming = fieldsFromDraft(request.draft);
      const merged: DocumentFields = { ...current };
      const changed = request.updateMask.map((name) => maskFields[name]!);
      for (const field of changed) (merged as unknown as Record<string, unknown>)[field] = incoming[field];
      const fields = validateFields(merged);
      const updated = await documents.update(current, fields, changed, caller.userId);
      return { document: toProtoDocument(updated) };
    }),

    transitionDocument: unary(logger, async (request: pb.TransitionDocumentRequest, context) => {
      const caller = callerOf(context);
      const action = actionCodec.fromProto(request.action);
      if (!action) throw validationFailed([{ field: 'action', problem: `must be one of ${actionCodec.values.join(', ')}` }]);
      assertMay(caller, workflowActionRights[action]);
      const current = await documents.get(request.id);
      assertVisible(caller, current);
      assertChangeable(caller, current);
      const step = applyStep(current, action, caller.userId, new Date().toISOString(), request.note);
      const updated = await documents.recordStep(current, step, documentEvents[action]);
      return { document: toProtoDocument(updated) };
    }),

    searchDocuments: unary(logger, async (request: pb.SearchDocumentsRequest) => {
      const { page, size } = pageOf(request, paging.maxSearchSize);
      const violations = [];
      if (page * size > paging.maxSearchWindow) {
        violations.push({ field: 'page', problem: `page x size must not exceed ${paging.maxSearchWindow}; narrow the search` });
      }
      if ([...request.query].length > paging.maxQueryChars) {
        violations.push({ field: 'q', problem: `must be at most ${paging.maxQueryChars} characters` });
      }
      for (const [field, value] of [['from', request.issuedFrom], ['to', request.issuedTo]] as const) {
        if (value && !isCalendarDate(value)) violations.push({ field, problem: 'must be a calendar date YYYY-MM-DD' });
      }
      if (request.within.length > paging.maxWithin) violations.push({ field: 'within', problem: `must have at most ${paging.maxWithin} earlier queries` });
      if (request.within.some((w) => [...w].length > paging.maxQueryChars)) violations.push({ field: 'within', problem: `each must be at most ${paging.maxQueryChars} characters` });
      if (violations.length) throw validationFailed(violations);
      const effectiveStatus = effectiveCodec.fromProto(request.effectiveStatus);
      const kind = kindCodec.fromProto(request.kind);
      const sort = sortCodec.fromProto(request.sort);
      const result = await search.search({
        text: request.query,
        page,
        size,
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
      return toProtoSearchResponse(result, page, size);
    }),

    suggestDocuments: unary(logger, async (request: pb.SuggestDocumentsRequest) => {
      const size = request.size || paging.defaultSuggestions;
      const violations = [];
      if (size < 1 || size > paging.maxSuggestions) violations.push({ field: 'size', problem: `must be between 1 and ${paging.maxSuggestions}` });
      if ([...request.prefix].length > paging.maxQueryChars) violations.push({ field: 'q', problem: `must be at most ${paging.maxQueryChars} characters` });
      if (violations.length) throw validationFailed(violations);
      const suggestions = await search.suggest(request.prefix, size);
      return { suggestions: suggestions.map((s) => pb.Suggestion.create(s)) };
    }),

    relatedDocuments: unary(logger, async (request: pb.RelatedDocumentsRequest, context) => {
      const size = request.size || paging.defaultRelated;
      if (size < 1 || size > paging.maxRelated) throw validationFailed([{ field: 'size', problem: `must be between 1 and ${paging.maxRelated}` }]);
      const document = await documents.get(request.id);
      assertVisible(callerOf(context), document);
      return { hits: (await search.related(document, size)).map(toProtoHit) };
    }),
  };
}
