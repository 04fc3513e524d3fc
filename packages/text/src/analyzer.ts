import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import type * as JiebaDefaultDict from '@node-rs/jieba/dict';
import {
  ABBREVIATIONS_FILE,
  NEAR_FORMS_FILE,
  QUESTION_WORDS_FILE,
  SYNONYMS_FILE,
  TERMS_FILE,
  defaultDictDir,
  parseSynonymRules,
  parseUserTerms,
  parseWordList,
  userTermsToJiebaDict,
  type SynonymRule,
} from './dictionaries';
import { foldKeepingLength, foldText } from './fold';
import { NearForms } from './near-forms';
import { suggestInputs } from './pinyin';
import { PinyinTerms } from './pinyin-terms';

export interface TextAnalyzerOptions {
  /** jieba user dictionary; defaults to dict/party-terms.txt of this package. */
  termsPath?: string;
  /** Solr-style synonyms; defaults to dict/synonyms.txt of this package. */
  synonymsPath?: string;
  /** Short names of bodies and terms, in the synonyms' format; dict/abbreviations.txt by default, null for none. */
  abbreviationsPath?: string | null;
  /** A deployment's own short names (a province's bodies), in the same format; none by default. */
  localNamesPath?: string;
  /** Question words and particles no document has to contain; dict/question-words.txt by default. */
  questionWordsPath?: string;
  /** Look-alike characters for typo correction; dict/near-forms.txt by default. */
  nearFormsPath?: string;
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

/** One thing a query asks for: a word, or the words a synonym rule matched, with their other phrasings. */
export interface QueryGroup {
  /** The words as typed (folded): one token, or the tokens of a synonym span. */
  tokens: string[];
  /** The other ways to say them (synonyms, abbreviations), each as tokens. */
  phrasings: string[][];
  /** A question word or particle (多久, 怎么, 吗, 的), or 年 after a year: scored when present, never required. */
  optional: boolean;
  /** The token is a year (1949–2100), which a document's year field may carry instead of its text. */
  year?: number;
  /**
   * The dictionary words a compound token is made of (党员组织关系 → 党员, 组织关系), for text
   * that writes them with other words between or segments them otherwise in context.
   */
  parts?: string[];
}

/** A query split into what it asks for (see TextAnalyzer.planQuery). */
export interface QueryPlan extends ExpandedQuery {
  groups: QueryGroup[];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const HAN = /\p{Script=Han}/u;
const YEAR_TOKEN = /^(19[4-9]\d|20\d\d|2100)$/;
const MIN_YEAR = 1949;
// Quotation marks between Chinese characters, which policy texts put around abbreviations
// (“两新”组织, 推进“放管服”改革): left out of the words searched, so 两新组织 is one word.
const QUOTES_INSIDE_WORDS = /(?<=\p{Script=Han})[“”‘’「」『』"']+(?=\p{Script=Han})/gu;
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
  private readonly questionWords: ReadonlySet<string>;
  private readonly nearForms: NearForms;
  /** Words of indexed titles with their document counts (addVocabulary), kept across reloads. */
  private readonly indexVocabulary = new Map<string, number>();
  /** The files synonym rules are read from: synonyms, abbreviations, the deployment's own names. */
  readonly ruleFiles: readonly string[];

  constructor(
    readonly termsPath: string,
    readonly synonymsPath: string,
    {
      abbreviationsPath,
      localNamesPath,
      questionWordsPath,
      nearFormsPath,
    }: {
      abbreviationsPath?: string | undefined;
      localNamesPath?: string | undefined;
      questionWordsPath?: string | undefined;
      nearFormsPath?: string | undefined;
    } = {},
  ) {
    // Required here rather than imported so that importing the module (for foldText, say)
    // does not read jieba's 5 MB default dictionary.
    const { dict } = require('@node-rs/jieba/dict') as typeof JiebaDefaultDict;
    this.jieba = Jieba.withDict(dict);
    const terms = parseUserTerms(readFileSync(termsPath, 'utf8'), termsPath);
    this.jieba.loadDict(userTermsToJiebaDict(terms));
    this.terms = terms.map((t) => t.word);
    this.ruleFiles = [synonymsPath, ...(abbreviationsPath ? [abbreviationsPath] : []), ...(localNamesPath ? [localNamesPath] : [])];
    this.questionWords = new Set(questionWordsPath ? parseWordList(readFileSync(questionWordsPath, 'utf8')) : []);
    this.nearForms = nearFormsPath ? NearForms.parse(readFileSync(nearFormsPath, 'utf8'), nearFormsPath) : NearForms.none;
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

  /**
   * The query's tokens and where synonym rules (synonyms, abbreviations, local names) match
   * them, longest first. A compound token no rule matches is looked into: a rule matching a
   * dictionary word inside it gives the compound with that word replaced (廉政文化 → 廉洁文化).
   */
  expandQuery(text: string): ExpandedQuery {
    const tokens = this.queryTokens(text);
    const spans: SynonymSpan[] = [];
    for (let start = 0; start < tokens.length; ) {
      const span = this.synonyms.longestMatchAt(tokens, start) ?? this.innerSynonyms(tokens, start);
      if (span) spans.push(span);
      start = span ? span.end : start + 1;
    }
    const alternatives = new Map<string, string[]>();
    for (const phrasing of spans.flatMap((span) => span.phrasings)) alternatives.set(phraseKey(phrasing), phrasing);
    return { tokens, alternatives: [...alternatives.values()], spans };
  }

  /**
   * What a query asks for, group by group: each synonym span is one group (its words or any
   * phrasing), every other token one group of its own; question words and particles are
   * optional, and a year is marked so that a document's year can stand for it.
   */
  planQuery(text: string): QueryPlan {
    const expanded = this.expandQuery(text);
    const { tokens, spans } = expanded;
    const groups: QueryGroup[] = [];
    for (let i = 0; i < tokens.length; ) {
      const span = spans.find((s) => s.start === i);
      const end = span ? span.end : i + 1;
      const words = tokens.slice(i, end);
      const token = words[0]!;
      const year = !span && YEAR_TOKEN.test(token) && Number(token) >= MIN_YEAR ? Number(token) : undefined;
      const afterYear = token === '年' && groups[groups.length - 1]?.year !== undefined;
      const parts = words.length === 1 ? this.parts(token) : undefined;
      groups.push({
        tokens: words,
        phrasings: span ? span.phrasings : [],
        optional: !span && (this.questionWords.has(token) || afterYear),
        ...(year !== undefined ? { year } : {}),
        ...(parts ? { parts } : {}),
      });
      i = end;
    }
    return { ...expanded, groups };
  }

  /**
   * The query with homophone and look-alike typos corrected (PinyinTerms.correct), and whether
   * the correction is `sure`: every run it replaced holds a piece that is no word at all (管里,
   * 书计, 接侍: pieces jieba only makes up, or single characters), rather than being real words
   * that merely sound like a term (巡查, 权利, 廉政建社), which the documents may mean as typed.
   */
  correction(text: string): { text: string; sure: boolean } | undefined {
    const found = this.pinyin.corrections(text);
    if (!found) return undefined;
    const pieces: { start: number; end: number; word: string }[] = [];
    let offset = 0;
    for (const word of this.jieba.cut(foldText(text), true)) {
      pieces.push({ start: offset, end: offset + word.length, word });
      offset += word.length;
    }
    const isWord = (word: string) => [...word].length >= 2 && HAN_ONLY.test(word) && this.jieba.cut(word, false).length === 1;
    const sure = found.replaced.every(({ start, end }) => pieces.some((p) => p.start >= start && p.end <= end && !isWord(p.word)));
    return { text: found.text, sure };
  }

  /** Whether a query token is a question word or particle (dict/question-words.txt). */
  isQuestionWord(token: string): boolean {
    return this.questionWords.has(token);
  }

  /** Completion-suggester inputs for a title: from its start and from every word inside it, in characters, pinyin and initials. */
  suggestInputs(title: string): string[] {
    const words = this.queryTokens(title);
    return suggestInputs(
      title,
      words,
      words.flatMap((word) => (word.length >= MIN_COMPOUND_LENGTH && HAN_ONLY.test(word) ? this.tiles(word) : [])),
    );
  }

  /**
   * suggestInputs split into the inputs of the title from its start (characters, pinyin,
   * initials) and those from later words, so that a completion can rank a title whose start
   * was typed above one with the typed word inside.
   */
  suggestInputGroups(title: string): { start: string[]; later: string[] } {
    const start = suggestInputs(title);
    return { start, later: this.suggestInputs(title).filter((input) => !start.includes(input)) };
  }

  /** The top-level tiles of a compound token when they cover all of it: 党员组织关系 → 党员, 组织关系. */
  private parts(token: string): string[] | undefined {
    if (token.length < MIN_COMPOUND_LENGTH || !HAN_ONLY.test(token)) return undefined;
    const { pieces, covered } = this.tiling(token);
    return covered && pieces.length > 1 ? pieces : undefined;
  }

  /**
   * The dictionary words a compound is built of, at every level, read left to right longest
   * first: 纪律处分条例 → 纪律处分, 纪律, 处分, 条例 (never 律处 or 国共, which only overlap).
   */
  private tiles(word: string): string[] {
    return this.tiling(word).pieces.flatMap((piece) => (piece.length >= MIN_COMPOUND_LENGTH ? [piece, ...this.tiles(piece)] : [piece]));
  }

  /** `word` read left to right as its longest inner dictionary words; `covered` when no character is left over. */
  private tiling(word: string): { pieces: string[]; covered: boolean } {
    const inner = this.innerWords(word);
    const pieces: string[] = [];
    let covered = true;
    for (let i = 0; i < word.length; ) {
      const piece = inner.filter((p) => word.startsWith(p, i)).sort((a, b) => b.length - a.length)[0];
      if (!piece) {
        covered = false;
        i++;
        continue;
      }
      pieces.push(piece);
      i += piece.length;
    }
    return { pieces, covered };
  }

  /**
   * The words of a title worth knowing by their pinyin (for spelling pinyin queries and
   * correcting typos): its tokens and the dictionary words inside them, with Chinese
   * characters or at least two Latin letters, each once.
   */
  titleTerms(title: string): string[] {
    const words = new Set<string>();
    for (const word of this.segment(title)) {
      if (word.length >= MIN_COMPOUND_LENGTH && HAN_ONLY.test(word)) for (const inner of this.innerWords(word)) words.add(inner);
      words.add(word);
    }
    return [...words].filter((word) => word.length >= 2 && (HAN.test(word) || /^[a-z][a-z0-9]+$/.test(word)));
  }

  /**
   * Adds words of the indexed documents (titleTerms with their document counts) to the
   * vocabulary that pinyin queries are spelled and typos corrected from. Answers how many were new.
   */
  addVocabulary(entries: Iterable<readonly [string, number]>): number {
    const fresh: [string, number][] = [];
    for (const [term, count] of entries) {
      if ((this.indexVocabulary.get(term) ?? 0) >= count) continue;
      this.indexVocabulary.set(term, count);
      fresh.push([term, count]);
    }
    return this.pinyinTerms ? this.pinyinTerms.add(fresh) : fresh.length;
  }

  /**
   * Re-reads the synonym files (synonyms, abbreviations, local names) and returns how many
   * terms now have synonyms. A broken file throws and leaves the current synonyms in place.
   */
  reloadSynonyms(): number {
    this.synonyms = this.loadSynonyms();
    this.pinyinTerms = undefined;
    return this.synonyms.size;
  }

  /** The vocabulary (dictionary, synonym terms and indexed title words) by pinyin; built on first use. */
  get pinyin(): PinyinTerms {
    if (!this.pinyinTerms) {
      this.pinyinTerms = new PinyinTerms([...this.terms, ...this.synonymTerms], this.nearForms);
      this.pinyinTerms.add(this.indexVocabulary);
    }
    return this.pinyinTerms;
  }

  private loadSynonyms(): SynonymTable {
    const rules = this.ruleFiles.flatMap((file) => parseSynonymRules(readFileSync(file, 'utf8'), file));
    const table = new SynonymTable(rules, (term) => this.queryTokens(term), this.ruleFiles.join(', '));
    this.synonymTerms = rules.flatMap((rule) => [...rule.from, ...rule.to]);
    return table;
  }

  private innerSynonyms(tokens: readonly string[], start: number): SynonymSpan | undefined {
    const token = tokens[start]!;
    if (token.length < MIN_COMPOUND_LENGTH || !HAN_ONLY.test(token)) return undefined;
    const phrasings = new Map<string, string[]>();
    for (const inner of this.innerWords(token)) {
      const span = this.synonyms.longestMatchAt([inner], 0);
      for (const phrasing of span?.phrasings ?? []) {
        const replaced = this.queryTokens(token.replace(inner, phrasing.join('')));
        if (phraseKey(replaced) !== token) phrasings.set(phraseKey(replaced), replaced);
      }
    }
    return phrasings.size > 0 ? { start, end: start + 1, phrasings: [...phrasings.values()] } : undefined;
  }

  private segment(text: string): string[] {
    return this.jieba.cut(foldText(text).replace(QUOTES_INSIDE_WORDS, ''), true).filter(isWordToken);
  }

  private innerWords(word: string): string[] {
    const inner = this.jieba.cutAll(word).filter((piece) => piece.length > 1 && piece !== word);
    return [...new Set(inner)];
  }
}

export function createTextAnalyzer({
  termsPath,
  synonymsPath,
  abbreviationsPath,
  localNamesPath,
  questionWordsPath,
  nearFormsPath,
}: TextAnalyzerOptions = {}): TextAnalyzer {
  const dir = defaultDictDir();
  return new TextAnalyzer(termsPath ?? join(dir, TERMS_FILE), synonymsPath ?? join(dir, SYNONYMS_FILE), {
    abbreviationsPath: abbreviationsPath === null ? undefined : (abbreviationsPath ?? join(dir, ABBREVIATIONS_FILE)),
    localNamesPath,
    questionWordsPath: questionWordsPath ?? join(dir, QUESTION_WORDS_FILE),
    nearFormsPath: nearFormsPath ?? join(dir, NEAR_FORMS_FILE),
  });
}
