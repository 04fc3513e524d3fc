/** proto <-> domain for the content service. */
import * as pb from '@repo/proto/content/v1';
import type { ContentDocument, DocumentFields, DocumentKind, EffectiveStatus } from '../domain/document';
import type { FacetBucket, SearchHit, SearchResult } from '../domain/search';

const {
  documentKindCodec: kindCodec,
  documentStatusCodec: statusCodec,
  effectiveStatusCodec: effectiveCodec,
  workflowActionCodec: actionCodec,
} = pb;

/**
 * A draft message as domain fields. An unspecified kind becomes '' so validation names it;
 * an unspecified effective status means inForce, the common case.
 */
export function fieldsFromDraft(draft: pb.DocumentDraft | undefined): DocumentFields {
  const d = draft ?? pb.DocumentDraft.create();
  return {
    kind: (kindCodec.fromProto(d.kind) ?? '') as DocumentKind,
    title: d.title,
    docNumber: d.docNumber,
    agency: d.agency,
    docType: d.docType,
    issuedAt: d.issuedAt,
    effectiveStatus: (effectiveCodec.fromProto(d.effectiveStatus) ?? 'inForce') as EffectiveStatus,
    region: d.region,
    topics: d.topics,
    body: d.body,
  };
}

export function toProtoDocument(doc: ContentDocument): pb.Document {
  return pb.Document.create({
    id: doc.id,
    kind: kindCodec.toProto(doc.kind),
    title: doc.title,
    docNumber: doc.docNumber,
    agency: doc.agency,
    docType: doc.docType,
    issuedAt: doc.issuedAt,
    effectiveStatus: effectiveCodec.toProto(doc.effectiveStatus),
    region: doc.region,
    topics: doc.topics,
    body: doc.body,
    status: statusCodec.toProto(doc.status),
    orgPath: doc.orgPath,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    revision: doc.revision,
    history: doc.history.map((step) =>
      pb.WorkflowStep.create({
        action: actionCodec.toProto(step.action),
        fromStatus: statusCodec.toProto(step.from),
        toStatus: statusCodec.toProto(step.to),
        actor: step.actor,
        at: step.at,
        note: step.note,
      }),
    ),
  });
}

export function toProtoHit(hit: SearchHit): pb.SearchHit {
  return pb.SearchHit.create({
    id: hit.id,
    title: hit.title,
    docNumber: hit.docNumber,
    agency: hit.agency,
    docType: hit.docType,
    effectiveStatus: effectiveCodec.toProto(hit.effectiveStatus),
    issuedAt: hit.issuedAt,
    kind: kindCodec.toProto(hit.kind),
    score: hit.score,
    titleHighlights: hit.highlights.title,
    bodyHighlights: hit.highlights.body,
  });
}

const toProtoFacet = (buckets: FacetBucket[]) => buckets.map((b) => pb.FacetBucket.create({ key: b.key, count: String(b.count) }));

export function toProtoSearchResponse(result: SearchResult, page: number, size: number): pb.SearchDocumentsResponse {
  return pb.SearchDocumentsResponse.create({
    page: { page, size, total: String(result.total) },
    hits: result.hits.map(toProtoHit),
    agencyFacets: toProtoFacet(result.facets.agency),
    typeFacets: toProtoFacet(result.facets.type),
    yearFacets: toProtoFacet(result.facets.year),
    regionFacets: toProtoFacet(result.facets.region),
    topicFacets: toProtoFacet(result.facets.topic),
    didYouMean: result.didYouMean ?? '',
    searchedFor: result.searchedFor ?? '',
    relaxed: result.relaxed ?? '',
  });
}
