/**
 * REST shapes of documents and search, in TypeBox: they validate requests and feed the
 * OpenAPI document at /docs. Enum values come from the proto enums, so they cannot drift.
 */
import {
  documentKindCodec as kinds,
  documentStatusCodec as statuses,
  effectiveStatusCodec as effectiveStatuses,
  searchSortCodec as sorts,
  workflowActionCodec as actions,
} from '@repo/proto/content/v1';
import { Type, type Static } from '@sinclair/typebox';
import { calendarDate, expectedRevision, int32, oneOf, pageQuery } from '../common';

export { actions, effectiveStatuses, kinds, sorts, statuses };

export const limits = { title: 200, body: 200_000, agency: 100, docNumber: 50, docType: 10, region: 50, topic: 30, topics: 10 } as const;

const draftFields = {
  kind: oneOf(kinds.values, 'policy (政策文件) or article (新闻、宣传、党课)'),
  title: Type.String({ minLength: 1, maxLength: limits.title }),
  docNumber: Type.String({
    maxLength: limits.docNumber,
    description: '文号, e.g. 中发〔2021〕1号; [2021], (2021) and 2021年 are accepted too',
  }),
  agency: Type.String({ minLength: 1, maxLength: limits.agency, description: '发文机关' }),
  docType: Type.String({
    minLength: 1,
    maxLength: limits.docType,
    description: '文种 (通知, 意见, 决定, 办法 ...) or article category (新闻, 宣传, 党课)',
  }),
  issuedAt: calendarDate('Issue date'),
  effectiveStatus: oneOf(effectiveStatuses.values, '现行有效 inForce, 已修订 amended, 已废止 repealed'),
  region: Type.String({ maxLength: limits.region }),
  topics: Type.Array(Type.String({ minLength: 1, maxLength: limits.topic }), { maxItems: limits.topics }),
  body: Type.String({ minLength: 1, maxLength: limits.body }),
};

export const CreateDocumentBody = Type.Object(
  {
    kind: draftFields.kind,
    title: draftFields.title,
    docNumber: Type.Optional(draftFields.docNumber),
    agency: draftFields.agency,
    docType: draftFields.docType,
    issuedAt: draftFields.issuedAt,
    effectiveStatus: Type.Optional(draftFields.effectiveStatus),
    region: Type.Optional(draftFields.region),
    topics: Type.Optional(draftFields.topics),
    body: draftFields.body,
  },
  { additionalProperties: false },
);
export type CreateDocumentBody = Static<typeof CreateDocumentBody>;

export const UpdateDocumentBody = Type.Object(
  {
    ...Object.fromEntries(Object.entries(draftFields).map(([k, v]) => [k, Type.Optional(v)])),
    expectedRevision: expectedRevision(),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDocumentBody = Partial<Static<typeof CreateDocumentBody>> & { expectedRevision?: number };

export const TransitionBody = Type.Union([
  Type.Object(
    { note: Type.Optional(Type.String({ maxLength: 500, description: 'Reason or remark; required to reject' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const IdParams = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Document id' }),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(oneOf(statuses.values, 'Workflow status')),
    kind: Type.Optional(draftFields.kind),
    agency: Type.Optional(Type.String({ maxLength: limits.agency })),
    type: Type.Optional(Type.String({ maxLength: limits.docType, description: '文种 or article category' })),
    ...pageQuery(100),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words, a title fragment or a document number' })),
    agency: Type.Optional(Type.String({ maxLength: limits.agency })),
    type: Type.Optional(Type.String({ maxLength: limits.docType })),
    status: Type.Optional(oneOf(effectiveStatuses.values, 'Effective status')),
    kind: Type.Optional(draftFields.kind),
    from: Type.Optional(calendarDate('Issued on or after')),
    to: Type.Optional(calendarDate('Issued on or before')),
    region: Type.Optional(Type.String({ maxLength: limits.region })),
    topic: Type.Optional(Type.String({ maxLength: limits.topic })),
    year: Type.Optional(int32({ minimum: 1949, maximum: 2100, description: 'Year of the document number (文号), i.e. the issue year' })),
    sort: Type.Optional(oneOf(sorts.values, 'relevance (default with a query) or date (newest first)')),
    within: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 5,
        description: 'Search within results: earlier queries that must still match (repeat the parameter)',
      }),
    ),
    ...pageQuery(50),
  },
  { additionalProperties: false },
);

export const SuggestQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'What the user has typed: characters, full pinyin (baxiang) or initials (bxgd)',
    }),
    size: Type.Optional(int32({ minimum: 1, maximum: 10, default: 8 })),
  },
  { additionalProperties: false },
);

export const SuggestionsBody = Type.Object({
  suggestions: Type.Array(
    Type.Object({
      text: Type.String(),
      id: Type.Optional(Type.String({ description: 'Document id, absent for a vocabulary term' })),
      docNumber: Type.Optional(Type.String()),
    }),
  ),
});

export const RelatedQuery = Type.Object(
  { size: Type.Optional(int32({ minimum: 1, maximum: 20, default: 5 })) },
  { additionalProperties: false },
);

const WorkflowStep = Type.Object({
  action: Type.String(),
  from: Type.String(),
  to: Type.String(),
  actor: Type.String(),
  at: Type.String({ format: 'date-time' }),
  note: Type.String(),
});

export const DocumentBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    title: Type.String(),
    docNumber: Type.String(),
    agency: Type.String(),
    docType: Type.String(),
    issuedAt: Type.String(),
    effectiveStatus: Type.String(),
    region: Type.String(),
    topics: Type.Array(Type.String()),
    body: Type.String(),
    status: Type.String(),
    orgPath: Type.String(),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    revision: Type.Integer(),
    history: Type.Array(WorkflowStep),
  },
  { $id: 'Document', title: 'Document' },
);
export type DocumentBody = Static<typeof DocumentBody>;

export const DocumentListBody = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  size: Type.Integer(),
  items: Type.Array(Type.Omit(DocumentBody, ['history'])),
});

const Facet = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));

const SearchHitBody = Type.Object({
  id: Type.String(),
  title: Type.String(),
  docNumber: Type.String(),
  agency: Type.String(),
  type: Type.String({ description: '文种 or article category' }),
  status: Type.String({ description: 'Effective status' }),
  kind: Type.String(),
  issuedAt: Type.String(),
  highlights: Type.Object({
    title: Type.Optional(Type.Array(Type.String())),
    body: Type.Optional(Type.Array(Type.String())),
  }),
});

export const SearchResultBody = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  size: Type.Integer(),
  hits: Type.Array(SearchHitBody),
  facets: Type.Object({ agency: Facet, type: Facet, year: Facet, region: Facet, topic: Facet }),
  didYouMean: Type.Optional(Type.String({ description: 'A better query to offer when this one found few documents' })),
  searchedFor: Type.Optional(
    Type.String({
      description:
        'What was searched when it differs from what was typed (pinyin spelled out, or a typo corrected because nothing was found)',
    }),
  ),
  relaxed: Type.Optional(
    oneOf(
      ['most', 'any'] as const,
      'Set when no document had (nearly) all the words: the hits have about half of them (most) or one (any)',
    ),
  ),
});

export const RelatedBody = Type.Object({ hits: Type.Array(Type.Omit(SearchHitBody, ['highlights'])) });
