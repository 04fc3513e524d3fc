import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import type * as JiebaDefaultDict from '@node-rs/jieba/dict';
import {
  SYNONYMS_FILE,
  TERMS_FILE,
  defaultDictDir,
  parseSynonymRules,
  parseUserTerms,
  userTermsToJiebaDict,
  type SynonymRule,
} from './dictionaries';
import { foldKeepingLength, foldText } from './fold';
import { suggestInputs } from './pinyin';
import { PinyinTerms } from './pinyin-terms';

export interface TextAnalyzerOptions {
  /** jieba user dictionary; defaults to dict/party-terms.txt of this package. */
  termsPath?: string;
  /** Solr-style synonyms; defaults to dict/synonyms.txt of this package. */
  synonymsPath?: string;
}

/** A run of query tokens, `tokens[start..end)`, that a synonym rule matched. */
export interface SynonymSpan {
  start: number;
  end: number;
  /** The other ways to say the span, each as tokens; the span's own wording is not repeated. */
  phrasings: string[][];
}

/**
 * A query ready for Elasticsearch. The simple form is
 *   bool.should: [ match(tokens.join(' ')), ...alternatives.map(a => match_phrase(a.join(' '))) ]
 * while `spans` allows the stricter form where every other part of the query still has to
 * match: for each span, a should of match_phrase(original span) and its phrasings.
 * Phrase clauses belong on the fields fed by `displayTokens`, whose positions follow the
 * query segmentation; the indexTokens field interleaves sub-words, which pushes neighbours apart.
 */
export interface ExpandedQuery {
  tokens: string[];
  /** Every phrasing of every span, deduplicated, in query order. */
  alternatives: string[][];
  spans: SynonymSpan[];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;
// Compounds this long may contain dictionary words worth indexing on their own.
const MIN_COMPOUND_LENGTH = 3;

function isWordToken(token: string): boolean {
  return WORD_CHAR.test(token);
}

function phraseKey(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** Synonym rules compiled to token sequences, looked up by the longest match at a position. */
class SynonymTable {
  private readonly phrasingsByKey = new Map<string, Map<string, string[]>>();
  private longestSpan = 0;

  constructor(
    rules: readonly SynonymRule[],
    tokenize: (term: string) => string[],
    private readonly source: string,
  ) {
    for (const rule of rules) {
      const targets = rule.to.map((term) => this.tokenizeTerm(term, tokenize));
      for (const term of rule.from) {
        const tokens = this.tokenizeTerm(term, tokenize);
        const key = phraseKey(tokens);
        const phrasings = this.phrasingsByKey.get(key) ?? new Map<string, string[]>();
        for (const target of targets) {
          const targetKey = phraseKey(target);
          if (targetKey !== key) phrasings.set(targetKey, target);
        }
        this.phrasingsByKey.set(key, phrasings);
        this.longestSpan = Math.max(this.longestSpan, tokens.length);
      }
    }
  }

  get size(): number {
    return this.phrasingsByKey.size;
  }

  private tokenizeTerm(term: string, tokenize: (term: string) => string[]): string[] {
    const tokens = tokenize(term);
    if (tokens.length === 0) throw new Error(`${this.source}: synonym "${term}" has no searchable characters`);
    return tokens;
  }

  longestMatchAt(tokens: readonly string[], start: number): SynonymSpan | undefined {
    for (let length = Math.min(this.longestSpan, tokens.length - start); length > 0; length--) {
      const end = start + length;
      const phrasings = this.phrasingsByKey.get(phraseKey(tokens.slice(start, end)));
      if (phrasings && phrasings.size > 0) return { start, end, phrasings: [...phrasings.values()] };
    }
    return undefined;
  }
}

/**
 * Chinese text analysis done in the application, because the Elasticsearch cluster has no
 * analysis-common module: text is segmented here and stored space-separated in fields
 * analysed with `whitespace` + `lowercase`.
 */
export class TextAnalyzer {
  private readonly jieba: Jieba;
  private synonyms: SynonymTable;
  private readonly terms: string[];
  private synonymTerms: string[] = [];
  private pinyinTerms: PinyinTerms | undefined;

  constructor(
    readonly termsPath: string,
    readonly synonymsPath: string,
  ) {
    // Required here rather than imported so that importing the module (for foldText, say)
    // does not read jieba's 5 MB default dictionary.
    const { dict } = require('@node-rs/jieba/dict') as typeof JiebaDefaultDict;
    this.jieba = Jieba.withDict(dict);
    const terms = parseUserTerms(readFileSync(termsPath, 'utf8'), termsPath);
    this.jieba.loadDict(userTermsToJiebaDict(terms));
    this.terms = terms.map((t) => t.word);
    this.synonyms = this.loadSynonyms();
  }

  /**
   * Tokens for the recall field: each word of the segmentation, preceded by the dictionary
   * words inside it (党风 党风廉政 廉政 廉政建设 建设 党风廉政建设), the way jieba's
   * cutForSearch does but for sub-words of any length: cutForSearch only looks at 2- and
   * 3-character pieces, so 党风廉政 and 廉政建设 would be unfindable inside 党风廉政建设.
   */
  indexTokens(text: string): string {
    const tokens: string[] = [];
    for (const word of this.segment(text)) {
      if (word.length >= MIN_COMPOUND_LENGTH && HAN_ONLY.test(word)) tokens.push(...this.innerWords(word));
      tokens.push(word);
    }
    return tokens.join(' ');
  }

  /**
   * The original text split into words by `separator`, for fields that are both shown
   * (highlighting) and phrase-matched: removing every separator gives the text back, byte
   * for byte, and the words are the ones queries are split into, so positions line up for
   * match_phrase. Nothing is folded, so traditional or full-width text only matches through
   * the indexTokens field. `separator` must be whitespace to Elasticsearch and must not
   * occur in the text (U+2009 thin space is a good choice).
   */
  displayTokens(text: string, separator: string): string {
    const words: string[] = [];
    let offset = 0;
    for (const word of this.jieba.cut(foldKeepingLength(text), true)) {
      words.push(text.slice(offset, offset + word.length));
      offset += word.length;
    }
    return words.join(separator);
  }

  /** A user query segmented with dictionary words kept whole. */
  queryTokens(text: string): string[] {
    return this.segment(text);
  }

  expandQuery(text: string): ExpandedQuery {
    const tokens = this.queryTokens(text);
    const spans: SynonymSpan[] = [];
    for (let start = 0; start < tokens.length; ) {
      const span = this.synonyms.longestMatchAt(tokens, start);
      if (span) spans.push(span);
      start = span ? span.end : start + 1;
    }
    const alternatives = new Map<string, string[]>();
    for (const phrasing of spans.flatMap((span) => span.phrasings)) alternatives.set(phraseKey(phrasing), phrasing);
    return { tokens, alternatives: [...alternatives.values()], spans };
  }

  /** Completion-suggester inputs for a title, starting later words where the segmentation says they start. */
  suggestInputs(title: string): string[] {
    return suggestInputs(title, this.queryTokens(title));
  }

  /**
   * Re-reads the synonyms file and returns how many terms now have synonyms. A broken file
   * throws and leaves the current synonyms in place.
   */
  reloadSynonyms(): number {
    this.synonyms = this.loadSynonyms();
    this.pinyinTerms = undefined;
    return this.synonyms.size;
  }

  /** The vocabulary (dictionary and synonym terms) by pinyin; built on first use. */
  get pinyin(): PinyinTerms {
    this.pinyinTerms ??= new PinyinTerms([...this.terms, ...this.synonymTerms]);
    return this.pinyinTerms;
  }

  private loadSynonyms(): SynonymTable {
    const rules = parseSynonymRules(readFileSync(this.synonymsPath, 'utf8'), this.synonymsPath);
    const table = new SynonymTable(rules, (term) => this.queryTokens(term), this.synonymsPath);
    this.synonymTerms = rules.flatMap((rule) => [...rule.from, ...rule.to]);
    return table;
  }

  private segment(text: string): string[] {
    return this.jieba.cut(foldText(text), true).filter(isWordToken);
  }

  private innerWords(word: string): string[] {
    const inner = this.jieba.cutAll(word).filter((piece) => piece.length > 1 && piece !== word);
    return [...new Set(inner)];
  }
}

export function createTextAnalyzer({ termsPath, synonymsPath }: TextAnalyzerOptions = {}): TextAnalyzer {
  return new TextAnalyzer(termsPath ?? join(defaultDictDir(), TERMS_FILE), synonymsPath ?? join(defaultDictDir(), SYNONYMS_FILE));
}
