import { pinyin } from 'pinyin-pro';
import { foldText } from './fold';
import { toPinyinKey } from './pinyin';

const LATIN_QUERY = /^[a-zA-Z\s'’0-9]+$/;
const HAN = /\p{Script=Han}/u;
const MIN_TERM_CHARS = 2;

/**
 * The project's vocabulary (dictionary terms and synonym terms) by pinyin, so that a query
 * typed in pinyin (baxiangguiding, bxgd) finds 八项规定, and a homophone typo (党凤廉政)
 * is recognised as 党风廉政.
 */
export class PinyinTerms {
  private readonly byFull = new Map<string, string>();
  private readonly byInitials = new Map<string, string[]>();
  private readonly longest: number;

  constructor(terms: Iterable<string>) {
    let longest = 0;
    const unique = new Set([...terms].map((raw) => foldText(raw).replace(/\s+/g, '')));
    for (const term of unique) {
      const chars = [...term];
      if (chars.length < MIN_TERM_CHARS || !chars.every((c) => HAN.test(c))) continue;
      const syllables = pinyin(term, { type: 'array', toneType: 'none', v: true });
      const full = syllables.join('');
      if (!this.byFull.has(full)) this.byFull.set(full, term);
      const initials = syllables.map((s) => s[0] ?? '').join('');
      this.byInitials.set(initials, [...(this.byInitials.get(initials) ?? []), term]);
      longest = Math.max(longest, chars.length);
    }
    this.longest = longest;
  }

  get size(): number {
    return this.byFull.size;
  }

  /** True when the whole query is Latin letters, as typed in pinyin. */
  static looksLikePinyin(query: string): boolean {
    return LATIN_QUERY.test(query) && /[a-z]/i.test(query);
  }

  /**
   * The term a pinyin query spells: full pinyin first, then initials when they name exactly
   * one term. Several words are looked up one by one and joined with spaces.
   */
  fromPinyin(query: string): string | undefined {
    const words = query.trim().split(/\s+/).filter(Boolean);
    const whole = this.lookup(toPinyinKey(query));
    if (whole || words.length < 2) return whole;
    const each = words.map((w) => this.lookup(toPinyinKey(w)));
    return each.every(Boolean) ? each.join(' ') : undefined;
  }

  private lookup(key: string): string | undefined {
    if (!key) return undefined;
    const full = this.byFull.get(key);
    if (full) return full;
    const initials = this.byInitials.get(key);
    return initials?.length === 1 ? initials[0] : undefined;
  }

  /**
   * Replaces runs of Chinese characters that sound exactly like a vocabulary term but are
   * written differently (homophone typos); undefined when nothing changes.
   */
  correct(query: string): string | undefined {
    const chars = [...foldText(query)];
    const syllables = pinyin(chars.join(''), { type: 'array', toneType: 'none', v: true });
    if (syllables.length !== chars.length) return undefined;
    let changed = false;
    const out: string[] = [];
    for (let i = 0; i < chars.length; ) {
      let replaced = false;
      for (let len = Math.min(this.longest, chars.length - i); len >= MIN_TERM_CHARS; len--) {
        const window = chars.slice(i, i + len);
        if (!window.every((c) => HAN.test(c))) continue;
        const term = this.byFull.get(syllables.slice(i, i + len).join(''));
        if (term) {
          out.push(term);
          changed ||= term !== window.join('');
          i += len;
          replaced = true;
          break;
        }
      }
      if (!replaced) out.push(chars[i++]!);
    }
    return changed ? out.join('') : undefined;
  }
}
