/** Documents and their editorial workflow over REST. */
import * as pb from '@repo/proto/content/v1';
import type { RpcClient } from '@repo/grpc';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { call, errorResponses, publicSecurity, updateMask } from '../common';
import {
  actions,
  CreateDocumentBody,
  DocumentBody,
  DocumentListBody,
  effectiveStatuses,
  IdParams,
  kinds,
  ListQuery,
  statuses,
  TransitionBody,
  UpdateDocumentBody,
} from './schemas';

export type ContentClient = RpcClient<typeof pb.ContentServiceService>;

function toDraft(body: Partial<CreateDocumentBody>): pb.DocumentDraft {
  return pb.DocumentDraft.create({
    kind: kinds.toProto(body.kind),
    title: body.title ?? '',
    docNumber: body.docNumber ?? '',
    agency: body.agency ?? '',
    docType: body.docType ?? '',
    issuedAt: body.issuedAt ?? '',
    effectiveStatus: effectiveStatuses.toProto(body.effectiveStatus),
    region: body.region ?? '',
    topics: body.topics ?? [],
    body: body.body ?? '',
  });
}

export function toDocumentBody(doc: pb.Document | undefined): DocumentBody {
  if (!doc) throw new Error('service answered without a document');
  return {
    id: doc.id,
    kind: kinds.fromProto(doc.kind) ?? '',
    title: doc.title,
    docNumber: doc.docNumber,
    agency: doc.agency,
    docType: doc.docType,
    issuedAt: doc.issuedAt,
    effectiveStatus: effectiveStatuses.fromProto(doc.effectiveStatus) ?? '',
    region: doc.region,
    topics: doc.topics,
    body: doc.body,
    status: statuses.fromProto(doc.status) ?? '',
    orgPath: doc.orgPath,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt ?? '',
    updatedAt: doc.updatedAt ?? '',
    revision: doc.revision,
    history: doc.history.map((step) => ({
      action: actions.fromProto(step.action) ?? '',
      from: statuses.fromProto(step.fromStatus) ?? '',
      to: statuses.fromProto(step.toStatus) ?? '',
      actor: step.actor,
      at: step.at ?? '',
      note: step.note,
    })),
  };
}

export const documentRoutes: FastifyPluginAsyncTypebox<{ content: ContentClient }> = async (app, { content }) => {
  app.post(
    '/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Create a draft policy document or article',
        body: CreateDocumentBody,
        response: { 201: DocumentBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { document } = await call(request, content, 'createDocument', { draft: toDraft(request.body) });
      return reply.status(201).header('location', `/api/v1/documents/${document?.id}`).send(toDocumentBody(document));
    },
  );

  app.get(
    '/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'List documents (the public sees published ones only)',
        security: publicSecurity,
        querystring: ListQuery,
        response: { 200: DocumentListBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(
        request,
        content,
        'listDocuments',
        pb.ListDocumentsRequest.create({
          page: { page: q.page ?? 1, size: q.size ?? 20 },
          status: statuses.toProto(q.status),
          kind: kinds.toProto(q.kind),
          agency: q.agency ?? '',
          docType: q.type ?? '',
        }),
      );
      return {
        total: Number(response.page?.total ?? 0),
        page: response.page?.page ?? 1,
        size: response.page?.size ?? 20,
        items: response.documents.map((d) => {
          const { history: _history, ...rest } = toDocumentBody(d);
          return rest;
        }),
      };
    },
  );

  app.get(
    '/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'Get one document',
        security: publicSecurity,
        params: IdParams,
        response: { 200: DocumentBody, ...errorResponses },
      },
    },
    async (request) => toDocumentBody((await call(request, content, 'getDocument', { id: request.params.id })).document),
  );

  app.patch(
    '/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'Change fields of a draft; fields left out keep their values',
        params: IdParams,
        body: UpdateDocumentBody,
        response: { 200: DocumentBody, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as Partial<CreateDocumentBody> & { expectedRevision?: number };
      const message = pb.UpdateDocumentRequest.create({
        id: request.params.id,
        draft: toDraft(body),
        updateMask: updateMask(body),
        expectedRevision: body.expectedRevision ?? 0,
      });
      return toDocumentBody((await call(request, content, 'updateDocument', message)).document);
    },
  );

  for (const action of actions.values) {
    app.post(
      `/documents/:id/${action}`,
      {
        schema: {
          tags: ['workflow'],
          summary: `Workflow step: ${action}`,
          params: IdParams,
          body: TransitionBody,
          response: { 200: DocumentBody, ...errorResponses },
        },
      },
      async (request) => {
        const message = { id: request.params.id, action: actions.toProto(action), note: request.body?.note ?? '' };
        return toDocumentBody((await call(request, content, 'transitionDocument', message)).document);
      },
    );
  }
};
