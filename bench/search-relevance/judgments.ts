/** Loads judgments.json and checks it against the benchmark corpus. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const queryKinds = [
  'keyword',
  'docNumber',
  'pinyin',
  'traditional',
  'synonym',
  'titleFragment',
  'typo',
  'abbreviation',
  'agencyYear',
  'partialDocNumber',
  'mixedPinyin',
  'question',
  'partialMatch',
] as const;
export type QueryKind = (typeof queryKinds)[number];

export interface JudgedQuery {
  id: string;
  kind: QueryKind;
  query: string;
  /** Why the grades are what they are, when it is not obvious. */
  note?: string;
  /** Document key → grade 1..3 (3 = the document the user wants); unlisted documents are 0. */
  judgments: Record<string, number>;
}

export const judgmentsPath = join(__dirname, 'judgments.json');

export function loadJudgments(path = judgmentsPath): JudgedQuery[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { queries?: unknown };
  if (!Array.isArray(parsed.queries)) throw new Error(`${path}: no "queries" array`);
  return parsed.queries as JudgedQuery[];
}

/**
 * Every problem with a set of judgments: unknown kinds, grades outside 1..3, duplicate ids,
 * queries without a document the user wants, and keys that name no document of the corpus.
 */
export function judgmentProblems(queries: readonly JudgedQuery[], corpusKeys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const q of queries) {
    const where = `query ${q.id ?? '?'}`;
    if (!q.id || ids.has(q.id)) problems.push(`${where}: missing or duplicate id`);
    ids.add(q.id);
    if (!(queryKinds as readonly string[]).includes(q.kind)) problems.push(`${where}: unknown kind ${String(q.kind)}`);
    if (typeof q.query !== 'string' || q.query.trim() === '') problems.push(`${where}: empty query`);
    const entries = Object.entries(q.judgments ?? {});
    if (entries.length === 0) problems.push(`${where}: no judgments`);
    else if (Math.max(...entries.map(([, g]) => g)) < 2) problems.push(`${where}: no document graded 2 or 3`);
    for (const [key, grade] of entries) {
      if (!Number.isInteger(grade) || grade < 1 || grade > 3) problems.push(`${where}: grade ${grade} for ${key} (list grades 1..3 only)`);
      if (!corpusKeys.has(key)) problems.push(`${where}: no document with key ${key}`);
    }
  }
  return problems;
}
