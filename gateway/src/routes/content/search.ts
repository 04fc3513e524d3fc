import * as pb from '@repo/proto/content/v1';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../errors';
import type { ContentRouteOptions } from './documents';
import { effectiveStatuses, kinds, SearchQuery, SearchResultBody } from './schemas';

const facet = (buckets: pb.FacetBucket[]) => buckets.map((b) => ({ key: b.key, count: Number(b.count) }));

export const searchRoutes: FastifyPluginAsyncTypebox<ContentRouteOptions> = async (app, { content, identify }) => {
  app.get('/search/documents', {
    schema: {
      tags: ['search'],
      summary: 'Search published policy documents and articles',
      description: 'Chinese full text over title and body, document numbers in any common form, filters, highlighted fragments and facets.',
      querystring: SearchQuery,
      response: { 200: SearchResultBody, 400: ErrorBody },
    },
  }, async (request) => {
    const q = request.query;
    const response = await content.searchDocuments(
      pb.SearchDocumentsRequest.create({
        query: q.q ?? '',
        agency: q.agency ?? '',
        docType: q.type ?? '',
        effectiveStatus: effectiveStatuses.toProto(q.status),
        kind: kinds.toProto(q.kind),
        issuedFrom: q.from ?? '',
        issuedTo: q.to ?? '',
        page: { page: q.page ?? 1, size: q.size ?? 20 },
      }),
      identify(request),
    );
    return {
      total: Number(response.page?.total ?? 0),
      page: response.page?.page ?? 1,
      size: response.page?.size ?? 20,
      hits: response.hits.map((hit) => ({
        id: hit.id,
        title: hit.title,
        docNumber: hit.docNumber,
        agency: hit.agency,
        type: hit.docType,
        status: effectiveStatuses.fromProto(hit.effectiveStatus) ?? '',
        kind: kinds.fromProto(hit.kind) ?? '',
        issuedAt: hit.issuedAt,
        highlights: {
          ...(hit.titleHighlights.length ? { title: hit.titleHighlights } : {}),
          ...(hit.bodyHighlights.length ? { body: hit.bodyHighlights } : {}),
        },
      })),
      facets: { agency: facet(response.agencyFacets), type: facet(response.typeFacets), year: facet(response.yearFacets) },
    };
  });
};
