/** Small text utilities shared by the policy and article writers. */
import { LIMITS } from './types';
import { SeededRandom } from './random';

export const PARAGRAPH_BREAK = '\n\n';

/** Plausible ranges for a number, judged by the measure word after it (轮, 万, %, 名 …). */
function numberRangeBefore(next: string): [number, number] {
  if (next === '%') return [62, 98];
  if (next === '轮') return [2, 8];
  if (next === '万') return [2, 95];
  if (next === '期') return [5, 80];
  if (next === '公') return [3, 40];
  if ('次场'.includes(next) && next !== '') return [12, 600];
  if ('名人'.includes(next) && next !== '') return [20, 1800];
  return [8, 900];
}

/**
 * Fills {key} placeholders. {n} becomes a fresh number each time, sized by
 * the measure word that follows it so that 轮, %, 万 stay believable.
 */
export function fill(template: string, vars: Readonly<Record<string, string>>, rng: SeededRandom): string {
  const filled = template.replace(/\{(\w+)\}(?=(.?))/gu, (whole, key: string, next: string) => {
    if (key === 'n') {
      const [min, max] = numberRangeBefore(next);
      return String(rng.int(min, max));
    }
    return vars[key] ?? whole;
  });
  // A subject ending in 工作 followed by 工作 in the template would read 工作工作.
  return filled.replace(/工作工作/g, '工作');
}

/** 党费收缴使用和管理 → 党费收缴使用和管理工作; leaves …工作 alone. */
export function asWork(noun: string): string {
  return noun.endsWith('工作') ? noun : `${noun}工作`;
}

/** Nested title quotes: 《关于印发〈…〉的通知》. */
export function nestedTitle(title: string): string {
  return `《${title.replace(/《/g, '〈').replace(/》/g, '〉')}》`;
}

export function bodyLength(paragraphs: readonly string[]): number {
  return paragraphs.join(PARAGRAPH_BREAK).length;
}

/** Leaves room for the notes and signatures appended after composition. */
const COMFORT_MIN = 720;
const COMFORT_MAX = 2850;
const MAX_SIZE = 14;

/**
 * Splits a size knob into how many bank items to use and how many extra
 * sentences to add to each, once the bank itself is exhausted.
 */
export function spread(size: number, available: number): { count: number; extrasPerItem: number } {
  const count = Math.max(1, Math.min(size, available));
  const overflow = Math.max(0, size - available);
  return { count, extrasPerItem: Math.min(2, Math.ceil(overflow / 2)) };
}

/**
 * Composes a body whose size knob (number of tasks, clauses, cases…) is
 * tuned until the text lands inside the allowed length. Every attempt
 * replays the same random stream, so only the size changes between tries.
 */
export function composeWithinLimits(
  rng: SeededRandom,
  startSize: number,
  compose: (size: number, rng: SeededRandom) => string[],
  trailer: readonly string[] = [],
  filler: readonly string[] = [],
  targetLength = COMFORT_MIN,
): string {
  const streamSeed = rng.int(0, 2 ** 31 - 1);
  const attempt = (size: number): string[] => compose(size, new SeededRandom(streamSeed));
  const wanted = Math.min(COMFORT_MAX, Math.max(COMFORT_MIN, targetLength));
  let size = startSize;
  let paragraphs = attempt(size);
  while (size < MAX_SIZE && bodyLength([...paragraphs, ...trailer]) < wanted) {
    paragraphs = attempt(++size);
  }
  for (let tries = 0; tries < 12 && size > 1 && bodyLength([...paragraphs, ...trailer]) > COMFORT_MAX; tries++) {
    paragraphs = attempt(--size);
  }
  // Hard guarantees for the rare body the size knob cannot fix.
  while (bodyLength([...paragraphs, ...trailer]) > LIMITS.bodyMaxChars && paragraphs.length > 2) {
    paragraphs.splice(paragraphs.length - 2, 1);
  }
  const padding = [...filler];
  while (bodyLength([...paragraphs, ...trailer]) < LIMITS.bodyMinChars && padding.length > 0) {
    paragraphs.splice(Math.max(1, paragraphs.length - 1), 0, padding.shift() as string);
  }
  return [...paragraphs, ...trailer].join(PARAGRAPH_BREAK);
}
