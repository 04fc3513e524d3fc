import type { Identity } from '@repo/grpc';
import * as pb from '@repo/proto/content/v1';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ContentClient } from '../../clients/content';
import { ErrorBody } from '../../errors';
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

export interface ContentRouteOptions {
  content: ContentClient;
  identify: (request: FastifyRequest) => Identity;
}

/** REST field name -> proto field name in an update mask. */
const maskNames: Record<string, string> = {
  kind: 'kind',
  title: 'title',
  docNumber: 'doc_number',
  agency: 'agency',
  docType: 'doc_type',
  issuedAt: 'issued_at',
  effectiveStatus: 'effective_status',
  region: 'region',
  topics: 'topics',
  body: 'body',
};

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

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const documentRoutes: FastifyPluginAsyncTypebox<ContentRouteOptions> = async (app, { content, identify }) => {
  app.post('/documents', {
    schema: {
      tags: ['documents'],
      summary: 'Create a draft policy document or article',
      body: CreateDocumentBody,
      response: { 201: DocumentBody, ...errors },
    },
  }, async (request, reply) => {
    const { document } = await content.createDocument({ draft: toDraft(request.body) }, identify(request));
    return reply.status(201).header('location', `/api/v1/documents/${document?.id}`).send(toDocumentBody(document));
  });

  app.get('/documents', {
    schema: {
      tags: ['documents'],
      summary: 'List documents (the public sees published ones only)',
      querystring: ListQuery,
      response: { 200: DocumentListBody, 400: ErrorBody },
    },
  }, async (request) => {
    const q = request.query;
    const response = await content.listDocuments(
      pb.ListDocumentsRequest.create({
        page: { page: q.page ?? 1, size: q.size ?? 20 },
        status: statuses.toProto(q.status),
        kind: kinds.toProto(q.kind),
        agency: q.agency ?? '',
        docType: q.type ?? '',
      }),
      identify(request),
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
  });

  app.get('/documents/:id', {
    schema: { tags: ['documents'], summary: 'Get one document', params: IdParams, response: { 200: DocumentBody, 400: ErrorBody, 404: ErrorBody } },
  }, async (request) => {
    const { document } = await content.getDocument({ id: request.params.id }, identify(request));
    return toDocumentBody(document);
  });

  app.patch('/documents/:id', {
    schema: {
      tags: ['documents'],
      summary: 'Change fields of a draft',
      params: IdParams,
      body: UpdateDocumentBody,
      response: { 200: DocumentBody, ...errors },
    },
  }, async (request) => {
    const body = request.body as Partial<CreateDocumentBody> & { expectedRevision?: number };
    const updateMask = Object.keys(body).filter((k) => k in maskNames).map((k) => maskNames[k]!);
    const { document } = await content.updateDocument(
      pb.UpdateDocumentRequest.create({ id: request.params.id, draft: toDraft(body), updateMask, expectedRevision: body.expectedRevision ?? 0 }),
      identify(request),
    );
    return toDocumentBody(document);
  });

  for (const action of actions.values) {
    app.post(`/documents/:id/${action}`, {
      schema: {
        tags: ['workflow'],
        summary: `Workflow step: ${action}`,
        params: IdParams,
        body: TransitionBody,
        response: { 200: DocumentBody, ...errors },
      },
    }, async (request) => {
      const { document } = await content.transitionDocument(
        { id: request.params.id, action: actions.toProto(action), note: request.body?.note ?? '' },
        identify(request),
      );
      return toDocumentBody(document);
    });
  }
};
