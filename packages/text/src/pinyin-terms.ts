import { pinyin } from 'pinyin-pro';
import { foldText } from './fold';
import { NearForms } from './near-forms';
import { toPinyinKey } from './pinyin';

const LATIN_QUERY = /^[a-zA-Z\s'’0-9]+$/;
const HAN = /\p{Script=Han}/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const LATIN_TERM = /^[a-z][a-z0-9]*$/;
// A word typed in Latin letters inside any query: letters, tone digits and apostrophes.
const LATIN_WORD = /[a-z][a-z0-9'’]*/g;
const MIN_TERM_CHARS = 2;
// Pinyin keys longer than this are not split into words (bounds the work per query).
const MAX_SPELLED_KEY = 60;
// Corrections look at queries up to this many characters (a pasted sentence is left alone).
const MAX_CORRECTED_CHARS = 40;
const MAX_LOOK_ALIKE_CHARS = 8;

/** Weight of a curated term (dictionary, synonyms, abbreviations) against a title word's document count. */
export const curatedWeight = 100;
/** A typed word that is itself a term is only replaced by one this many times heavier. */
const REPLACE_KNOWN_FACTOR = 20;
/** Initials name a term when it outweighs the next term with the same initials this many times. */
const INITIALS_DOMINANCE = 3;

interface Syllables {
  full: string;
  fuzzy: string;
  initials: string;
}

/**
 * What pinyin input methods let one type for another: flat and retroflex initials, n and l,
 * front and back nasal finals. A syllable maps to its fuzzy form (zhang → zan).
 */
export function fuzzySyllable(syllable: string): string {
  return syllable
    .replace(/^([zcs])h/, '$1')
    .replace(/^n/, 'l')
    .replace(/(?<=[aei])ng$/, 'n')
    .replace(/ong$/, 'on');
}

function syllablesOf(term: string): Syllables {
  const syllables = pinyin(term, { type: 'array', toneType: 'none', v: true });
  return {
    full: syllables.join(''),
    fuzzy: syllables.map(fuzzySyllable).join(''),
    initials: syllables.map((s) => s[0] ?? '').join(''),
  };
}

/**
 * The pinyin of every Chinese character of `chars` ('' for the others), each run of Chinese
 * read as a whole, so polyphones are read in context (银行 yinhang, 行动 xingdong).
 */
function readHanRuns(chars: readonly string[], han: readonly boolean[]): string[] {
  const syllables = chars.map(() => '');
  for (let i = 0; i < chars.length; ) {
    if (!han[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < chars.length && han[end]) end++;
    const read = pinyin(chars.slice(i, end).join(''), { type: 'array', toneType: 'none', v: true });
    // One syllable a character; should the library ever disagree, leave the run unread.
    if (read.length === end - i) read.forEach((syllable, k) => (syllables[i + k] = syllable));
    i = end;
  }
  return syllables;
}

function push(index: Map<string, string[]>, key: string, term: string): void {
  const list = index.get(key);
  if (!list) index.set(key, [term]);
  else if (!list.includes(term)) list.push(term);
}

/**
 * The vocabulary by pinyin: the dictionary and synonym terms, and (added by the search index)
 * the words of every indexed title, each with a weight (curated terms 100, a title word the
 * number of documents whose title has it). It spells out what was typed in pinyin (baxiangguiding,
 * bxgd, `dangyuan 发展`, `澄清zhengming`) and corrects homophone, fuzzy-pinyin and near-form typos
 * (党凤廉政, 巡查整改 for 巡察整改, 廉政建社) to the heaviest term that sounds or looks alike.
 */
export class PinyinTerms {
  private readonly weights = new Map<string, number>();
  private readonly latinTerms = new Set<string>();
  private readonly byFull = new Map<string, string[]>();
  private readonly byFuzzy = new Map<string, string[]>();
  private readonly byInitials = new Map<string, string[]>();
  private longest = 0;

  constructor(
    terms: Iterable<string | readonly [string, number]> = [],
    private readonly nearForms: NearForms = NearForms.none,
  ) {
    this.add(terms, curatedWeight);
  }

  /** Han terms known by their pinyin. */
  get size(): number {
    return this.byFull.size;
  }

  /**
   * Adds terms, each with its weight (or `weight`); a term already known keeps the larger weight.
   * Answers how many terms were new. Latin terms (app, ppt) are remembered as words the documents
   * use, so that typing them is never mistaken for pinyin.
   */
  add(terms: Iterable<string | readonly [string, number]>, weight = curatedWeight): number {
    let added = 0;
    for (const entry of terms) {
      const [raw, termWeight] = typeof entry === 'string' ? [entry, weight] : entry;
      const term = foldText(raw).replace(/\s+/g, '');
      if (LATIN_TERM.test(term) && term.length >= MIN_TERM_CHARS) {
        this.latinTerms.add(term);
        continue;
      }
      if ([...term].length < MIN_TERM_CHARS || !HAN_ONLY.test(term)) continue;
      const known = this.weights.get(term);
      if (known !== undefined) {
        if (termWeight > known) this.weights.set(term, termWeight);
        continue;
      }
      this.weights.set(term, termWeight);
      const { full, fuzzy, initials } = syllablesOf(term);
      push(this.byFull, full, term);
      push(this.byFuzzy, fuzzy, term);
      push(this.byInitials, initials, term);
      this.longest = Math.max(this.longest, [...term].length);
      added++;
    }
    return added;
  }

  has(term: string): boolean {
    return this.weights.has(term);
  }

  weight(term: string): number {
    return this.weights.get(term) ?? 0;
  }

  /** True when the whole query is Latin letters, as typed in pinyin. */
  static looksLikePinyin(query: string): boolean {
    return LATIN_QUERY.test(query) && /[a-z]/i.test(query);
  }

  /**
   * The term a pinyin query spells: full pinyin first (also several words run together,
   * quanliqingdan → 权力清单), then initials when they clearly name one term. Several words
   * are looked up one by one and joined with spaces.
   */
  fromPinyin(query: string): string | undefined {
    const words = query.trim().split(/\s+/).filter(Boolean);
    const whole = this.spellKey(toPinyinKey(query));
    if (whole || words.length < 2) return whole;
    const each = words.map((w) => this.spellKey(toPinyinKey(w)));
    return each.every(Boolean) ? each.join(' ') : undefined;
  }

  /**
   * A query with every word typed in pinyin spelled out in characters, in place and word by
   * word (`dangyuan 发展` → `党员 发展`, `bxgd 通报` → `八项规定 通报`, `澄清zhengming` →
   * `澄清正名`); consecutive pinyin words are first read together (`ba xiang gui ding`).
   * Latin words the documents themselves use (app), or that spell nothing, stay as typed.
   * Undefined when nothing was spelled.
   */
  spell(query: string): string | undefined {
    const text = foldText(query);
    const words = [...text.matchAll(LATIN_WORD)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, word: m[0] }));
    if (words.length === 0) return undefined;
    const replacements: { start: number; end: number; text: string }[] = [];
    for (let i = 0; i < words.length; ) {
      // The run of Latin words separated by nothing but spaces.
      let j = i + 1;
      while (j < words.length && /^ +$/.test(text.slice(words[j - 1]!.end, words[j]!.start))) j++;
      const run = words.slice(i, j);
      const together = run.length > 1 ? this.spellKey(run.map((w) => toPinyinKey(w.word)).join('')) : undefined;
      if (together) replacements.push({ start: run[0]!.start, end: run[run.length - 1]!.end, text: together });
      else {
        for (const w of run) {
          const spelled = this.spellKey(toPinyinKey(w.word));
          if (spelled) replacements.push({ start: w.start, end: w.end, text: spelled });
          else {
            const joined = this.spellWithNeighbours(text, w);
            if (joined) replacements.push(joined);
          }
        }
      }
      i = j;
    }
    if (replacements.length === 0) return undefined;
    let out = '';
    let at = 0;
    for (const r of replacements) {
      out += text.slice(at, r.start) + r.text;
      at = r.end;
    }
    return out + text.slice(at);
  }

  /**
   * A pinyin word that spells no term alone but finishes (or starts) one together with the
   * characters typed right before (or after) it: 澄清zhengming → 澄清正名.
   */
  private spellWithNeighbours(
    text: string,
    w: { start: number; end: number; word: string },
  ): { start: number; end: number; text: string } | undefined {
    const key = toPinyinKey(w.word);
    const before = [...text.slice(0, w.start)];
    const after = [...text.slice(w.end)];
    for (let k = Math.min(4, before.length); k >= 1; k--) {
      const han = before.slice(-k).join('');
      if (!HAN_ONLY.test(han)) continue;
      const term = this.heaviest(this.byFull.get(toPinyinKey(han) + key)?.filter((t) => t.startsWith(han)));
      if (term) return { start: w.start - han.length, end: w.end, text: term };
    }
    for (let k = Math.min(4, after.length); k >= 1; k--) {
      const han = after.slice(0, k).join('');
      if (!HAN_ONLY.test(han)) continue;
      const term = this.heaviest(this.byFull.get(key + toPinyinKey(han))?.filter((t) => t.endsWith(han)));
      if (term) return { start: w.start, end: w.end + han.length, text: term };
    }
    return undefined;
  }

  /** The heaviest of `terms`, or undefined. */
  private heaviest(terms: readonly string[] | undefined, except?: string): string | undefined {
    let best: string | undefined;
    for (const term of terms ?? []) {
      if (term !== except && (best === undefined || this.weight(term) > this.weight(best))) best = term;
    }
    return best;
  }

  private spellKey(key: string): string | undefined {
    if (key.length < MIN_TERM_CHARS || this.latinTerms.has(key)) return undefined;
    const full = this.heaviest(this.byFull.get(key));
    if (full) return full;
    const pieces = this.splitKey(key);
    if (pieces) return pieces.join('');
    const initials = this.byInitials.get(key);
    if (!initials) return undefined;
    const sorted = [...initials].sort((a, b) => this.weight(b) - this.weight(a));
    const [first, second] = sorted;
    return second === undefined || this.weight(first!) >= INITIALS_DOMINANCE * this.weight(second) ? first : undefined;
  }

  /** A pinyin key read as the fewest terms whose full pinyin it runs together, if any. */
  private splitKey(key: string): string[] | undefined {
    if (key.length > MAX_SPELLED_KEY) return undefined;
    // best[i]: the fewest terms spelling key[0..i).
    const best: (string[] | undefined)[] = [[]];
    for (let end = 1; end <= key.length; end++) {
      for (let start = Math.max(0, end - 6 * this.longest); start <= end - MIN_TERM_CHARS; start++) {
        const before = best[start];
        if (!before) continue;
        const term = this.heaviest(this.byFull.get(key.slice(start, end)));
        if (term && (!best[end] || best[end]!.length > before.length + 1)) best[end] = [...before, term];
      }
    }
    const found = best[key.length];
    return found && found.length > 1 ? found : undefined;
  }

  /**
   * Replaces runs of Chinese characters that sound like a term (same pinyin, or the same fuzzy
   * pinyin when nothing sounds exactly alike) or look like one (one character of a near-form
   * group swapped) but are written differently; undefined when nothing changes. A run that is
   * itself a term is only replaced by a far heavier one (巡查 by the dictionary's 巡察).
   */
  correct(query: string): string | undefined {
    return this.corrections(query)?.text;
  }

  /**
   * correct() with the runs it replaced: their place in the folded query (`start`, `end`, in
   * UTF-16 units), what was typed and what replaces it.
   */
  corrections(query: string): { text: string; replaced: { start: number; end: number; typed: string; term: string }[] } | undefined {
    const chars = [...foldText(query)];
    if (chars.length > MAX_CORRECTED_CHARS) return undefined;
    const han = chars.map((c) => HAN.test(c));
    const syllables = readHanRuns(chars, han);
    const fuzzy = syllables.map(fuzzySyllable);
    const replaced: { start: number; end: number; typed: string; term: string }[] = [];
    const out: string[] = [];
    let offset = 0;
    let runEnd = 0;
    for (let i = 0; i < chars.length; ) {
      let step = 1;
      let written = chars[i]!;
      if (han[i]) {
        if (runEnd <= i) for (runEnd = i; runEnd < chars.length && han[runEnd]; runEnd++);
        // The windows starting here, built once: what was typed, its pinyin, its fuzzy pinyin.
        const longest = Math.min(this.longest, runEnd - i);
        const typed: string[] = [''];
        const full: string[] = [''];
        const loose: string[] = [''];
        for (let len = 1; len <= longest; len++) {
          typed.push(typed[len - 1]! + chars[i + len - 1]!);
          full.push(full[len - 1]! + syllables[i + len - 1]!);
          loose.push(loose[len - 1]! + fuzzy[i + len - 1]!);
        }
        for (let len = longest; len >= MIN_TERM_CHARS; len--) {
          const word = typed[len]!;
          const known = this.has(word);
          const candidate = this.lookAlike(word, full[len]!, loose[len]!);
          if (!known && candidate === undefined) continue;
          const replace = candidate !== undefined && (!known || this.weight(candidate) >= REPLACE_KNOWN_FACTOR * this.weight(word));
          written = replace ? candidate : word;
          if (replace) replaced.push({ start: offset, end: offset + word.length, typed: word, term: candidate });
          step = len;
          break;
        }
      }
      out.push(written);
      for (let k = i; k < i + step; k++) offset += chars[k]!.length;
      i += step;
    }
    return replaced.length > 0 ? { text: out.join(''), replaced } : undefined;
  }

  /** The heaviest other term that sounds like `typed` (its pinyin `full`, or `fuzzy` when nothing sounds exactly alike), or looks like it. */
  private lookAlike(typed: string, full: string, fuzzy: string): string | undefined {
    const sounding = this.heaviest(this.byFull.get(full), typed);
    // Look-alikes and fuzzy pinyin only for words of a typable length: a long run is rarely one typo away.
    if (typed.length > MAX_LOOK_ALIKE_CHARS) return sounding;
    const looking = this.heaviest(
      this.nearForms.variants(typed).filter((v) => this.has(v)),
      typed,
    );
    const exact = sounding === undefined ? looking : looking === undefined ? sounding : this.heaviest([sounding, looking]);
    return exact ?? this.heaviest(this.byFuzzy.get(fuzzy), typed);
  }
}
