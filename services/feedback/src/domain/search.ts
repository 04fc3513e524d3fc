/** What a public search of messages asks and answers, whatever index serves it. */
export interface MessageSearch {
  text: string;
  type?: string;
  domain?: string;
  region?: string;
  organizationId?: string;
  leaderPostId?: string;
  repliedOnly?: boolean;
  sort?: 'relevance' | 'date';
  page: number;
  size: number;
}

export interface MessageHit {
  id: string;
  type: string;
  domain: string;
  subject: string;
  region: string;
  organizationName: string;
  status: string;
  submittedAt: string;
  repliedAt: string;
  score: number;
  highlights: { subject: string[]; body: string[]; reply: string[] };
}

export interface MessageSearchResult {
  total: number;
  hits: MessageHit[];
  facets: { type: { key: string; count: number }[]; domain: { key: string; count: number }[] };
  searchedFor?: string;
}
