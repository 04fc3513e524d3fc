import { foldText } from './fold';

/**
 * Groups of characters that look alike (形近字: 己/已, 休/体, 设/没), from a maintained file of one
 * group a line, so that a typo of one for another can be corrected to a term of the vocabulary.
 */
export class NearForms {
  static readonly none = new NearForms(new Map());

  private constructor(private readonly alike: ReadonlyMap<string, readonly string[]>) {}

  /** Parses `dict/near-forms.txt`: characters of one group separated by spaces; # starts a comment. */
  static parse(text: string, source: string): NearForms {
    const alike = new Map<string, Set<string>>();
    text.split(/\r?\n/).forEach((line, index) => {
      const content = line.replace(/#.*/, '').trim();
      if (content === '') return;
      const chars = [...new Set(content.split(/\s+/).map((c) => foldText(c)))];
      if (chars.length < 2 || chars.some((c) => [...c].length !== 1)) {
        throw new Error(`${source}:${index + 1}: expected two or more single characters separated by spaces, got "${content}"`);
      }
      for (const c of chars) {
        const others = alike.get(c) ?? new Set<string>();
        for (const other of chars) if (other !== c) others.add(other);
        alike.set(c, others);
      }
    });
    return new NearForms(new Map([...alike].map(([c, others]) => [c, [...others]])));
  }

  get size(): number {
    return this.alike.size;
  }

  /** The characters that look like `char`. */
  of(char: string): readonly string[] {
    return this.alike.get(char) ?? [];
  }

  /** `word` with one character replaced by a look-alike, every way. */
  variants(word: string): string[] {
    const chars = [...word];
    const out: string[] = [];
    chars.forEach((char, i) => {
      for (const other of this.of(char)) out.push([...chars.slice(0, i), other, ...chars.slice(i + 1)].join(''));
    });
    return out;
  }
}
