/**
 * The sensitive-word screen 敏感词筛查: a message whose subject or body contains a listed word is
 * held for a reviewer, never dropped, so a false hit costs a review and nothing is lost. Words
 * and text are compared folded (traditional to simplified, full width to half, lower case) with
 * everything but letters and digits removed, so 傻 逼, 傻*逼 and 傻逼 are one word.
 */
import { foldText } from '@repo/text';

export interface SensitiveWord {
  word: string;
  /** As the file names it, for reviewers: 辱骂, 威胁, 广告 ... */
  category: string;
}

const notWordChar = /[^\p{L}\p{N}]/gu;

/** The form words and text are compared in. */
export function screenForm(text: string): string {
  return foldText(text).replace(notWordChar, '');
}

/** Parses the word list: `word [category]` a line, `#` comments; a bad line throws naming it. */
export function parseSensitiveWords(text: string, source: string): SensitiveWord[] {
  const words: SensitiveWord[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*/, '').trim();
    if (!content) return;
    const [raw = '', category = '', ...extra] = content.split(/\s+/);
    const word = screenForm(raw);
    if (!word || extra.length > 0) throw new Error(`${source}:${index + 1}: expected "word [category]", got "${content}"`);
    if (seen.has(word)) return;
    seen.add(word);
    words.push({ word, category });
  });
  return words;
}

export class SensitiveWordScreen {
  constructor(private readonly words: readonly SensitiveWord[]) {}

  get size(): number {
    return this.words.length;
  }

  /** The listed words the texts contain, in list order. */
  hits(...texts: string[]): string[] {
    const forms = texts.map(screenForm);
    return this.words
      .filter(({ word }) => forms.some((form) => form.includes(word)))
      .map(({ word, category }) => (category ? `${word}（${category}）` : word));
  }
}
