/**
 * Judging aid: finds candidate documents for a query by plain string search over titles,
 * topics and bodies of the benchmark corpus. It never asks the search engine, so judgments
 * built with it stay independent of the ranking under test. Grades are decided by reading,
 * following the rules in README.md.
 *
 *   npx tsx bench/search-relevance/find-candidates.ts 公务用车 '公车私用|私用公车'
 *   npx tsx bench/search-relevance/find-candidates.ts --snippets --min-body=3 --limit=20 澄清正名
 *
 * Each argument is a term; `a|b` counts either spelling. A document is listed when any term
 * occurs in its title, topics or body; columns give title hits (T), topic hits (P) and body
 * occurrences per term.
 */
import { buildCorpus, type BenchDocument } from './corpus';

// Piped into head: stop quietly when the reader goes away.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));

const args = process.argv.slice(2);
const showSnippets = args.includes('--snippets');
const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
// Body-only matches with fewer occurrences than this are left out (passing mentions).
const minBody = option('min-body', 1);
const limit = option('limit', Infinity);
const terms = args.filter((a) => !a.startsWith('--')).map((a) => a.split('|'));
if (terms.length === 0) {
  console.error('usage: find-candidates.ts [--snippets] term [term|variant ...]');
  process.exit(2);
}

// Longest spelling first, so that overlapping variants (组织关系转接|组织关系) count once.
const pattern = (variants: string[]) =>
  new RegExp(
    [...variants]
      .sort((a, b) => b.length - a.length)
      .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
const occurrences = (text: string, variants: string[]) => text.match(pattern(variants))?.length ?? 0;

interface Row {
  doc: BenchDocument;
  title: number[];
  topics: number[];
  body: number[];
}

const rows: Row[] = buildCorpus()
  .map((doc) => ({
    doc,
    title: terms.map((t) => occurrences(doc.fields.title, t)),
    topics: terms.map((t) => doc.fields.topics.filter((topic) => t.some((v) => topic.includes(v))).length),
    body: terms.map((t) => occurrences(doc.fields.body, t)),
  }))
  .filter((r) => r.title.some((n) => n > 0) || r.body.some((n) => n >= minBody) || (minBody <= 1 && r.topics.some((n) => n > 0)))
  .sort(
    (a, b) =>
      b.title.filter(Boolean).length - a.title.filter(Boolean).length ||
      b.body.filter(Boolean).length - a.body.filter(Boolean).length ||
      b.body.reduce((x, y) => x + y, 0) - a.body.reduce((x, y) => x + y, 0),
  );

for (const r of rows.slice(0, limit)) {
  const f = r.doc.fields;
  const counts = terms.map((t, i) => `${t[0]}:T${r.title[i]}P${r.topics[i]}B${r.body[i]}`).join(' ');
  console.log(`${r.doc.key}\t${f.effectiveStatus}\t${f.issuedAt}\t${f.title}\t${counts}`);
  if (showSnippets) {
    for (const variants of terms) {
      for (const m of [...f.body.matchAll(pattern(variants))].slice(0, 3)) {
        const at = m.index ?? 0;
        console.log(`    …${f.body.slice(Math.max(0, at - 30), at + m[0].length + 30).replace(/\n+/g, ' ')}…`);
      }
    }
  }
}
console.log(`${rows.length} documents${rows.length > limit ? ` (${limit} shown)` : ''}`);
