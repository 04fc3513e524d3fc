/**
 * Likely duplicates 重复留言: the same contact writing about the same matter again within a few
 * days. Similarity is the Dice coefficient of the texts' character pairs (folded, letters and
 * digits only): insensitive to punctuation and small rewordings, cheap on short texts, and
 * language-neutral, which word segmentation would not be for a one-word change.
 */
import { screenForm } from './screen';

function pairsOf(text: string): Map<string, number> {
  const chars = [...screenForm(text)];
  const pairs = new Map<string, number>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const pair = chars[i]! + chars[i + 1]!;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  return pairs;
}

/** 0 (nothing shared) to 1 (the same characters in the same pairs). */
export function similarity(a: string, b: string): number {
  const left = pairsOf(a);
  const right = pairsOf(b);
  let shared = 0;
  let total = 0;
  for (const count of left.values()) total += count;
  for (const [pair, count] of right) {
    total += count;
    shared += Math.min(count, left.get(pair) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

/** What two messages are compared by. */
export const comparedText = (message: { subject: string; body: string }) => `${message.subject}\n${message.body}`;
