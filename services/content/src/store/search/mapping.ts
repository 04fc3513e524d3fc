/**
 * What the search index holds for a document, and how. Chinese is segmented by the application
 * (the Elasticsearch distribution we run has no CJK analysis): text fields hold tokens separated
 * by a thin space (U+2009, whitespace to Elasticsearch) and are analysed by the built-in
 * `whitespace` analyzer (the distribution has no whitespace tokenizer for custom analyzers, so
 * folding and lower casing happen in the application too). Removing the thin spaces from a
 * highlighted fragment gives back the original text.
 */
import type { ContentDocument, DocumentKind, EffectiveStatus } from '../../domain/document';
import { docNumberKeys, parseDocNumber, type TextAnalyzer } from '@repo/text';

export const tokenSeparator = '\u2009';

export interface IndexedDocument {
  id: string;
  kind: DocumentKind;
  title: string;
  titleSearch: string;
  body: string;
  bodySearch: string;
  docNumber: string;
  docNumberKeys: string[];
  docAgencyCode: string;
  /**
   * The agency as query words (中共 江川 省 纪律检查委员会), phrase-matched, then as a second value
   * the dictionary words inside them and the level of a place name (临江市 → 市), so that
   * abbreviations of bodies (省纪委 → 省 纪律检查委员会, 市纪委) find it. Search only.
   */
  agencyText: string[];
  /** The title's words (TextAnalyzer.titleTerms), the vocabulary pinyin and typos are read against. */
  titleTerms: string[];
  /** Year of the document number, or of the issue date when there is none. */
  year: number;
  agency: string;
  docType: string;
  effectiveStatus: EffectiveStatus;
  region: string;
  topics: string[];
  issuedAt: string;
  orgPath: string;
  revision: number;
  /** Completion inputs: the title from its start weighs more than from a word inside it. */
  suggest: { input: string[]; weight: number }[];
}

/** Bumped whenever the mapping changes; a service finding an older index rebuilds it. */
export const mappingVersion = 3;

export const indexBody = (replicas: number) => ({
  settings: { number_of_shards: 1, number_of_replicas: replicas },
  mappings: {
    dynamic: 'strict' as const,
    // Search-only token lists are indexed but not kept: hits are shown from display fields.
    _source: { excludes: ['titleSearch', 'bodySearch', 'suggest', 'agencyText', 'titleTerms'] },
    _meta: { mappingVersion },
    properties: {
      id: { type: 'keyword' as const },
      kind: { type: 'keyword' as const },
      title: { type: 'text' as const, analyzer: 'whitespace', index_options: 'offsets' as const },
      titleSearch: { type: 'text' as const, analyzer: 'whitespace' },
      body: { type: 'text' as const, analyzer: 'whitespace', index_options: 'offsets' as const },
      bodySearch: { type: 'text' as const, analyzer: 'whitespace' },
      docNumber: { type: 'keyword' as const },
      docNumberKeys: { type: 'keyword' as const },
      docAgencyCode: { type: 'keyword' as const },
      agencyText: { type: 'text' as const, analyzer: 'whitespace' },
      // Aggregated (the vocabulary), never searched.
      titleTerms: { type: 'keyword' as const, index: false },
      year: { type: 'integer' as const },
      agency: { type: 'keyword' as const },
      docType: { type: 'keyword' as const },
      effectiveStatus: { type: 'keyword' as const },
      region: { type: 'keyword' as const },
      topics: { type: 'keyword' as const },
      issuedAt: { type: 'date' as const, format: 'yyyy-MM-dd' },
      orgPath: { type: 'keyword' as const },
      revision: { type: 'integer' as const },
      // Inputs are folded titles and their pinyin, matched as typed (keyword analyzer).
      suggest: { type: 'completion' as const, analyzer: 'keyword', search_analyzer: 'keyword', max_input_length: 50 },
    },
  },
});

/** A document as the index holds it. */
export function toIndexed(analyzer: TextAnalyzer, document: ContentDocument): IndexedDocument {
  const parsed = document.docNumber ? parseDocNumber(document.docNumber) : null;
  return {
    id: document.id,
    kind: document.kind,
    title: analyzer.displayTokens(document.title, tokenSeparator),
    titleSearch: analyzer.indexTokens(document.title),
    body: analyzer.displayTokens(document.body, tokenSeparator),
    bodySearch: analyzer.indexTokens(document.body),
    docNumber: document.docNumber,
    docNumberKeys: parsed ? docNumberKeys(parsed) : [],
    docAgencyCode: parsed?.agencyCode ?? '',
    agencyText: agencyText(analyzer, document.agency),
    titleTerms: analyzer.titleTerms(document.title),
    year: parsed?.year ?? Number(document.issuedAt.slice(0, 4)),
    agency: document.agency,
    docType: document.docType,
    effectiveStatus: document.effectiveStatus,
    region: document.region,
    topics: document.topics,
    issuedAt: document.issuedAt,
    orgPath: document.orgPath,
    revision: document.revision,
    suggest: suggestion(analyzer, document.title),
  };
}

function suggestion(analyzer: TextAnalyzer, title: string): IndexedDocument['suggest'] {
  const { start, later } = analyzer.suggestInputGroups(title);
  return [...(start.length ? [{ input: start, weight: 2 }] : []), ...(later.length ? [{ input: later, weight: 1 }] : [])];
}

const PLACE_LEVEL = /^\p{Script=Han}{2,}([省市县区州盟旗镇乡])$/u;

function agencyText(analyzer: TextAnalyzer, agency: string): string[] {
  const words = analyzer.queryTokens(agency);
  const inner = analyzer
    .indexTokens(agency)
    .split(' ')
    .filter((token) => !words.includes(token));
  const levels = words.map((word) => PLACE_LEVEL.exec(word)?.[1]).filter((level): level is string => level !== undefined);
  return [words.join(' '), [...inner, ...levels].join(' ')];
}

/** A highlighted fragment or stored token list back to running text. */
export function joinTokens(text: string): string {
  return text.split(tokenSeparator).join('');
}
