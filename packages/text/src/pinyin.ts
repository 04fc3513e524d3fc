import { pinyin } from 'pinyin-pro';
import { foldText } from './fold';

// Elasticsearch's completion field keeps 50 characters of each input by default.
const MAX_INPUT_LENGTH = 50;
// Later starting points of a title, each giving three inputs (characters, pinyin, initials).
const SUFFIX_BOUNDARIES = 12;
const MAX_INPUTS = 3 * (1 + SUFFIX_BOUNDARIES);
// Control characters, some of which (\u0000, \u001e, \u001f) the completion field rejects.
const CONTROL_CHARS = /\p{Cc}/gu;
const NOT_KEY_CHAR = /[^a-z0-9]/g;

// Words that open a title without saying what it is about; a suggestion starting there
// helps nobody, so they are never chosen as a later starting point.
const FILLER_WORDS = new Set([
  '关于',
  '印发',
  '转发',
  '做好',
  '进一步',
  '加强',
  '开展',
  '推进',
  '深入',
  '全面',
  '切实',
  '认真',
  '有关',
  '相关',
  '工作',
  '通知',
  '意见',
  '决定',
  '办法',
  '方案',
  '规定',
  '报告',
]);

interface Syllable {
  text: string;
  full: string;
  initial: string;
}

function keyChars(text: string): string {
  return text.toLowerCase().replace(NOT_KEY_CHAR, '');
}

// Converting the whole title at once lets pinyin-pro read polyphones in context
// (银行 yinhang, 行动 xingdong) instead of character by character.
function toSyllables(text: string): Syllable[] {
  return pinyin(text, { type: 'all', toneType: 'none', v: true }).map((entry) => ({
    text: entry.origin,
    full: entry.isZh ? entry.pinyin : keyChars(entry.origin),
    initial: entry.isZh ? entry.first : keyChars(entry.origin),
  }));
}

function truncate(text: string): string {
  return Array.from(text).slice(0, MAX_INPUT_LENGTH).join('').trim();
}

function inputsFrom(syllables: readonly Syllable[]): string[] {
  return [syllables.map((s) => s.text).join(''), syllables.map((s) => s.full).join(''), syllables.map((s) => s.initial).join('')];
}

/**
 * Syllable indexes where a later, meaningful word starts: every word of the segmentation and
 * every dictionary word inside one (纪律处分条例 also starts at 处分 and 条例), never filler or
 * single characters; at most SUFFIX_BOUNDARIES of them, the word opening a 《》 title first,
 * then the longest. Returned in title order.
 */
function laterWordStarts(syllables: readonly Syllable[], words: readonly string[], innerWords: readonly string[]): number[] {
  const text = syllables.map((s) => s.text).join('');
  const syllableAt = new Map<number, number>();
  let offset = 0;
  syllables.forEach((syllable, index) => {
    syllableAt.set(offset, index);
    offset += syllable.text.length;
  });
  const candidates = new Map<number, { start: number; length: number; opensTitle: boolean }>();
  const consider = (word: string, at: number) => {
    const start = syllableAt.get(at);
    if (start === undefined || start === 0 || word.length < 2 || FILLER_WORDS.has(word)) return;
    const known = candidates.get(start);
    if (!known || known.length < word.length) candidates.set(start, { start, length: word.length, opensTitle: text[at - 1] === '《' });
  };
  const inner = new Set(innerWords);
  let cursor = 0;
  for (const word of words) {
    const at = text.indexOf(word, cursor);
    if (at < 0) continue;
    cursor = at + word.length;
    consider(word, at);
    for (const piece of inner) {
      for (let from = word.indexOf(piece); from >= 0; from = word.indexOf(piece, from + 1)) consider(piece, at + from);
    }
  }
  return [...candidates.values()]
    .sort((a, b) => Number(b.opensTitle) - Number(a.opensTitle) || b.length - a.length || a.start - b.start)
    .slice(0, SUFFIX_BOUNDARIES)
    .map((candidate) => candidate.start)
    .sort((a, b) => a - b);
}

/**
 * Inputs for an Elasticsearch completion field: the folded title, its toneless pinyin and
 * its initials (八项规定 → baxiangguiding, bxgd), then the same from every later word, so that
 * typing the start of any word of a title (处分条, quanli) suggests it. `words` is the title's
 * segmentation and `innerWords` the dictionary words inside its compounds
 * (TextAnalyzer.suggestInputs supplies both); without them only the whole title is used.
 * At most 39 inputs of at most 50 characters.
 */
export function suggestInputs(title: string, words: readonly string[] = [], innerWords: readonly string[] = []): string[] {
  const folded = foldText(title.replace(CONTROL_CHARS, ' '));
  if (!folded) return [];
  const syllables = toSyllables(folded);
  const starts = [0, ...laterWordStarts(syllables, words, innerWords)];
  const inputs = starts.flatMap((start) => inputsFrom(syllables.slice(start))).map(truncate);
  return [...new Set(inputs.filter((input) => input !== ''))].slice(0, MAX_INPUTS);
}

// ba1xiang4gui1ding4: every digit is a tone number right after a syllable.
const TONE_NUMBERED = /^(?:[a-z]+[1-5]?)+$/;

/**
 * Normalises what a user typed into the same form as the pinyin inputs: lowercase, no
 * spaces, apostrophes (xi'an), tone marks or tone numbers, ü as v; any Chinese characters
 * typed along the way become pinyin too.
 */
export function toPinyinKey(query: string): string {
  const folded = foldText(query);
  const romanised = pinyin(folded, { type: 'all', toneType: 'none', v: true })
    .map((entry) => (entry.isZh ? entry.pinyin : entry.origin))
    .join('');
  const plain = romanised
    .normalize('NFD')
    .replace(/u\u0308/g, 'v')
    .replace(/\p{M}/gu, '')
    .replace(NOT_KEY_CHAR, '');
  return TONE_NUMBERED.test(plain) ? plain.replace(/\d/g, '') : plain;
}
