/** What a search asks and answers, in the words of the domain (the index is store/search). */
import type { DocumentKind, EffectiveStatus } from './document';

export type SearchSort = 'relevance' | 'date';

/** How far a query was relaxed when nothing had all its words: most of them, or any one. */
export type Relaxation = 'most' | 'any';

export interface SearchQuery {
  text: string;
  agency?: string;
  docType?: string;
  effectiveStatus?: EffectiveStatus;
  kind?: DocumentKind;
  issuedFrom?: string;
  issuedTo?: string;
  region?: string;
  topic?: string;
  year?: number;
  /** Earlier queries whose results this search narrows. */
  within?: string[];
  sort?: SearchSort;
  page: number;
  size: number;
}

export interface SearchHit {
  id: string;
  title: string;
  docNumber: string;
  agency: string;
  docType: string;
  effectiveStatus: EffectiveStatus;
  issuedAt: string;
  kind: DocumentKind;
  score: number;
  highlights: { title: string[]; body: string[] };
}

export interface FacetBucket {
  key: string;
  count: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: { agency: FacetBucket[]; type: FacetBucket[]; year: FacetBucket[]; region: FacetBucket[]; topic: FacetBucket[] };
  /** A query to offer when this one found few documents. */
  didYouMean?: string;
  /** What was searched when it differs from what was typed (pinyin spelled out, or corrected). */
  searchedFor?: string;
  /** Set when no document had all the query's words: the hits have most of them, or any one. */
  relaxed?: Relaxation;
}

export interface Suggestion {
  text: string;
  documentId: string;
  docNumber: string;
}
