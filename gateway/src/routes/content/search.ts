/** Smart search over REST: full text with facets, suggestions, related documents. */
import * as pb from '@repo/proto/content/v1';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { call, errorResponses, publicSecurity } from '../common';
import type { ContentClient } from './documents';
import {
  effectiveStatuses,
  IdParams,
  kinds,
  RelatedBody,
  RelatedQuery,
  SearchQuery,
  SearchResultBody,
  sorts,
  SuggestionsBody,
  SuggestQuery,
} from './schemas';

const facet = (buckets: pb.FacetBucket[]) => buckets.map((b) => ({ key: b.key, count: Number(b.count) }));

function toHitBody(hit: pb.SearchHit) {
  return {
    id: hit.id,
    title: hit.title,
    docNumber: hit.docNumber,
    agency: hit.agency,
    type: hit.docType,
    status: effectiveStatuses.fromProto(hit.effectiveStatus) ?? '',
    kind: kinds.fromProto(hit.kind) ?? '',
    issuedAt: hit.issuedAt,
  };
}

export const searchRoutes: FastifyPluginAsyncTypebox<{ content: ContentClient }> = async (app, { content }) => {
  app.get(
    '/search/documents',
    {
      schema: {
        tags: ['search'],
        summary: 'Search published policy documents and articles',
        description:
          'Chinese full text over title, body and issuing agency: document numbers in any common form (an agency code and year alone, ' +
          '中组发〔2019〕, for its documents of the year), pinyin and initials mixed with characters, synonyms and abbreviations of bodies, ' +
          'homophone and look-alike typos, question words that need not match; filters, highlighted fragments, facets, sorting, and ' +
          'search within results. A query no document has (nearly) all the words of is relaxed to most of them, then to any one (`relaxed`).',
        querystring: SearchQuery,
        security: publicSecurity,
        response: { 200: SearchResultBody, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const response = await call(
        request,
        content,
        'searchDocuments',
        pb.SearchDocumentsRequest.create({
          query: q.q ?? '',
          agency: q.agency ?? '',
          docType: q.type ?? '',
          effectiveStatus: effectiveStatuses.toProto(q.status),
          kind: kinds.toProto(q.kind),
          issuedFrom: q.from ?? '',
          issuedTo: q.to ?? '',
          region: q.region ?? '',
          topic: q.topic ?? '',
          year: q.year ?? 0,
          sort: sorts.toProto(q.sort),
          within: q.within ?? [],
          page: { page: q.page ?? 1, size: q.size ?? 20 },
        }),
      );
      return {
        total: Number(response.page?.total ?? 0),
        page: response.page?.page ?? 1,
        size: response.page?.size ?? 20,
        hits: response.hits.map((hit) => ({
          ...toHitBody(hit),
          highlights: {
            ...(hit.titleHighlights.length ? { title: hit.titleHighlights } : {}),
            ...(hit.bodyHighlights.length ? { body: hit.bodyHighlights } : {}),
          },
        })),
        facets: {
          agency: facet(response.agencyFacets),
          type: facet(response.typeFacets),
          year: facet(response.yearFacets),
          region: facet(response.regionFacets),
          topic: facet(response.topicFacets),
        },
        ...(response.didYouMean ? { didYouMean: response.didYouMean } : {}),
        ...(response.searchedFor ? { searchedFor: response.searchedFor } : {}),
        ...(response.relaxed ? { relaxed: response.relaxed as 'most' | 'any' } : {}),
      };
    },
  );

  app.get(
    '/search/suggest',
    {
      schema: {
        tags: ['search'],
        summary: 'Suggestions as you type',
        description: 'Title prefixes typed in characters, full pinyin or pinyin initials (bxgd -> 八项规定); at most 10.',
        querystring: SuggestQuery,
        security: publicSecurity,
        response: { 200: SuggestionsBody, ...errorResponses },
      },
    },
    async (request) => {
      const { suggestions } = await call(request, content, 'suggestDocuments', { prefix: request.query.q, size: request.query.size ?? 8 });
      return {
        suggestions: suggestions.map((s) => ({ text: s.text, ...(s.documentId ? { id: s.documentId, docNumber: s.docNumber } : {}) })),
      };
    },
  );

  app.get(
    '/documents/:id/related',
    {
      schema: {
        tags: ['search'],
        summary: 'Published documents related to this one',
        security: publicSecurity,
        params: IdParams,
        querystring: RelatedQuery,
        response: { 200: RelatedBody, ...errorResponses },
      },
    },
    async (request) => {
      const { hits } = await call(request, content, 'relatedDocuments', { id: request.params.id, size: request.query.size ?? 5 });
      return { hits: hits.map(toHitBody) };
    },
  );
};
