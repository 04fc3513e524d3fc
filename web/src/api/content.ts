/** Documents, the editorial workflow and search (gateway/src/routes/content). */
import { api } from './http';
import type { Validity } from '../text';

export interface FacetBucket {
  key: string;
  count: number;
}

export interface SearchHit {
  id: string;
  title: string;
  docNumber: string;
  agency: string;
  type: string;
  status: Validity | '';
  kind: string;
  issuedAt: string;
  highlights?: { title?: string[]; body?: string[] };
}

export interface SearchResult {
  total: number;
  page: number;
  size: number;
  hits: SearchHit[];
  facets: Record<FacetName, FacetBucket[]>;
  didYouMean?: string;
  searchedFor?: string;
}

export const facetNames = ['agency', 'type', 'year', 'region', 'topic'] as const;
export type FacetName = (typeof facetNames)[number];

export interface SearchParams {
  q?: string;
  agency?: string;
  type?: string;
  year?: string;
  region?: string;
  topic?: string;
  status?: string;
  kind?: string;
  sort?: string;
  page?: number;
  size?: number;
}

export interface WorkflowStep {
  action: string;
  from: string;
  to: string;
  actor: string;
  at: string;
  note: string;
}

export interface PolicyDocument {
  id: string;
  kind: string;
  title: string;
  docNumber: string;
  agency: string;
  docType: string;
  issuedAt: string;
  effectiveStatus: Validity;
  region: string;
  topics: string[];
  body: string;
  status: string;
  orgPath: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
  history?: WorkflowStep[];
}

export interface DraftFields {
  kind: string;
  title: string;
  docNumber?: string;
  agency: string;
  docType: string;
  issuedAt: string;
  effectiveStatus?: Validity;
  region?: string;
  topics?: string[];
  body: string;
}

export type WorkflowAction = 'submit' | 'approve' | 'reject' | 'publish' | 'withdraw';

export const searchDocuments = (params: SearchParams, signal?: AbortSignal) =>
  api<SearchResult>('/search/documents', { query: { ...params }, signal });

export const suggest = (q: string, signal?: AbortSignal) =>
  api<{ suggestions: { text: string; id?: string; docNumber?: string }[] }>('/search/suggest', { query: { q, size: 8 }, signal });

export const getDocument = (id: string) => api<PolicyDocument>(`/documents/${encodeURIComponent(id)}`);

export const relatedDocuments = (id: string) =>
  api<{ hits: SearchHit[] }>(`/documents/${encodeURIComponent(id)}/related`, { query: { size: 5 } });

export const listDocuments = (query: { status?: string; kind?: string; page?: number; size?: number }) =>
  api<{ total: number; page: number; size: number; items: PolicyDocument[] }>('/documents', { query });

export const createDocument = (fields: DraftFields) => api<PolicyDocument>('/documents', { method: 'POST', body: fields });

export const updateDocument = (id: string, fields: Partial<DraftFields> & { expectedRevision?: number }) =>
  api<PolicyDocument>(`/documents/${encodeURIComponent(id)}`, { method: 'PATCH', body: fields });

export const stepDocument = (id: string, action: WorkflowAction, note?: string) =>
  api<PolicyDocument>(`/documents/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: note ? { note } : {} });
