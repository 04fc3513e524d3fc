import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { foldText } from './fold';

export const TERMS_FILE = 'party-terms.txt';
export const SYNONYMS_FILE = 'synonyms.txt';
export const ABBREVIATIONS_FILE = 'abbreviations.txt';
export const QUESTION_WORDS_FILE = 'question-words.txt';
export const NEAR_FORMS_FILE = 'near-forms.txt';

/**
 * The `dict/` folder of the package this module belongs to. Walking up (instead of a fixed
 * `../../..`) keeps it working from src/ under ts-jest and from the compiled dist/ alike;
 * it stops at the package root so it never picks up another package's dictionaries.
 */
export function defaultDictDir(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dict');
    if (existsSync(join(candidate, TERMS_FILE))) return candidate;
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) {
      throw new Error(`No dict/${TERMS_FILE} found between ${startDir} and ${dir}`);
    }
  }
}

export interface UserTerm {
  word: string;
  freq: number;
  tag: string | undefined;
}

function meaningfulLines(text: string): Array<{ content: string; lineNumber: number }> {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ content: line.replace(/#.*/, '').trim(), lineNumber: index + 1 }))
    .filter((line) => line.content !== '');
}

/**
 * Parses a jieba user dictionary (`word freq [tag]`). The frequency is required: jieba-rs
 * reads a missing one as zero, which cuts a new term into characters (三/会/一/课) and
 * overrides the default dictionary's count for a known one (公车私用 → 公车/私用).
 */
export function parseUserTerms(text: string, source: string): UserTerm[] {
  return meaningfulLines(text).map(({ content, lineNumber }) => {
    const [word, freqText, tag, ...extra] = content.split(/\s+/);
    const freq = Number(freqText);
    if (!word || !freqText || !Number.isInteger(freq) || freq <= 0 || extra.length > 0) {
      throw new Error(`${source}:${lineNumber}: expected "word freq [tag]", got "${content}"`);
    }
    return { word: foldText(word), freq, tag };
  });
}

/** Words separated by whitespace, # starting a comment; folded, each once. */
export function parseWordList(text: string): string[] {
  return [...new Set(meaningfulLines(text).flatMap(({ content }) => content.split(/\s+/).map((word) => foldText(word))))];
}

export function userTermsToJiebaDict(terms: readonly UserTerm[]): Buffer {
  return Buffer.from(terms.map(({ word, freq, tag }) => [word, freq, tag].filter(Boolean).join(' ')).join('\n'));
}

/** One line of the synonyms file: a query containing any `from` term also searches every `to` term. */
export interface SynonymRule {
  from: string[];
  to: string[];
}

function splitTerms(side: string, source: string, lineNumber: number): string[] {
  const terms = side.split(',').map((term) => term.trim());
  if (terms.some((term) => term === '')) throw new Error(`${source}:${lineNumber}: empty synonym term`);
  return terms;
}

/** Parses Solr-style synonyms: `a, b, c` (equivalent) and `a, b => c, d` (one-way). */
export function parseSynonymRules(text: string, source: string): SynonymRule[] {
  return meaningfulLines(text).map(({ content, lineNumber }) => {
    // Folding first lets editors type full-width commas (，) and traditional characters.
    const sides = foldText(content).split('=>');
    if (sides.length > 2) throw new Error(`${source}:${lineNumber}: more than one "=>"`);
    const [left = '', right] = sides;
    const from = splitTerms(left, source, lineNumber);
    if (right === undefined) {
      if (from.length < 2) throw new Error(`${source}:${lineNumber}: a synonym group needs at least two terms`);
      return { from, to: from };
    }
    return { from, to: splitTerms(right, source, lineNumber) };
  });
}
