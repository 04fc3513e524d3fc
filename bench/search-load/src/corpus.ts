/**
 * The benchmark corpus: 100,000 fictional documents built from the demo corpus generator
 * (services/content/seed/corpus.ts), in chunks of 1,000 with one seed each.
 *
 * One generator run cannot make 100k documents: its phrase banks run out of distinct titles, and
 * its planning is quadratic (10,000 policies take a minute). Chunks of 1,000 take about 0.25 s
 * each. What chunking changes and how it is repaired:
 * - ids: deterministic UUID-shaped ids from (chunk, position), unique by construction;
 * - 文号: every chunk numbers its own documents from 1 per agency code and year, so chunks
 *   collide. Numbers are rewritten per code and year as serial = (rank - 1) * chunks + chunk + 1,
 *   rank being the document's position in its chunk's code/year group (by date): unique over
 *   the whole corpus, growing with the date, and the same function rewrites the citations
 *   (根据《…》（江委发〔2019〕3号）) in bodies of the same chunk, so they still name the cited
 *   document;
 * - titles: chunks reuse the phrase banks, so titles repeat across chunks (many agencies
 *   issuing 关于做好2021年度党员发展工作的通知 is realistic; the rate is reported).
 */
import { createHash } from 'node:crypto';
import type { ContentDocument } from '../../../services/content/dist/domain/document';
import { validateFields } from '../../../services/content/dist/domain/document';
import { generateCorpus, type SeedDocument } from '../../../services/content/seed/corpus';

/** Bumped whenever the documents this file makes change (a reused index must match). */
export const corpusVersion = 1;
export const chunkSize = 1_000;
const policiesPerChunk = 700;
const seedBase = 20_260_000;

export interface CorpusShape {
  docs: number;
  chunks: number;
}

export function corpusShape(docs: number): CorpusShape {
  return { docs, chunks: Math.ceil(docs / chunkSize) };
}

/** Deterministic id in UUID form (the content service uses randomUUID). */
export function benchId(chunk: number, position: number): string {
  const h = createHash('sha256').update(`search-load:${corpusVersion}:${chunk}:${position}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DOC_NUMBER = /^(.+)〔(\d{4})〕(\d+)号$/u;
const CITED_NUMBER = /(\p{Script=Han}{1,8})〔(\d{4})〕(\d+)号/gu;

/** New 文号 for the policies of one chunk: old number → new number. */
function renumber(docs: SeedDocument[], chunk: number, chunks: number): Map<string, string> {
  const groups = new Map<string, { doc: SeedDocument; serial: number }[]>();
  for (const doc of docs) {
    const m = DOC_NUMBER.exec(doc.docNumber);
    if (!m) continue;
    const key = `${m[1]}〔${m[2]}〕`;
    const group = groups.get(key) ?? [];
    group.push({ doc, serial: Number(m[3]) });
    groups.set(key, group);
  }
  const map = new Map<string, string>();
  for (const [key, group] of groups) {
    group.sort((a, b) => a.serial - b.serial);
    group.forEach(({ doc }, rank) => map.set(doc.docNumber, `${key}${rank * chunks + chunk + 1}号`));
  }
  return map;
}

/** Rewrites the citations of renumbered documents inside a body. */
function rewriteCitations(body: string, map: Map<string, string>): string {
  return body.replace(CITED_NUMBER, (whole, prefix: string, year: string, serial: string) => {
    // The match may have swallowed words before the agency code (根据江委发…): longest code first.
    for (let len = prefix.length; len >= 1; len--) {
      const code = prefix.slice(prefix.length - len);
      const renumbered = map.get(`${code}〔${year}〕${serial}号`);
      if (renumbered) return prefix.slice(0, prefix.length - len) + renumbered;
    }
    return whole;
  });
}

/** The documents of one chunk, ready for SearchIndex.putMany. */
export function generateChunk(chunk: number, shape: CorpusShape): ContentDocument[] {
  const count = Math.min(chunkSize, shape.docs - chunk * chunkSize);
  if (count <= 0) return [];
  const policies = Math.round((count * policiesPerChunk) / chunkSize);
  const seeds = generateCorpus({ policies, articles: count - policies, seed: seedBase + chunk });
  const map = renumber(seeds, chunk, shape.chunks);
  return seeds.map((seed, position) => {
    const fields = validateFields({
      ...seed,
      docNumber: map.get(seed.docNumber) ?? seed.docNumber,
      body: rewriteCitations(seed.body, map),
    });
    const at = `${fields.issuedAt}T01:30:00.000Z`;
    return {
      ...fields,
      id: benchId(chunk, position),
      status: 'published',
      orgPath: '/1/',
      createdBy: 'bench-loader',
      createdAt: at,
      updatedAt: at,
      history: [],
      revision: 1,
    };
  });
}

/** Every chunk in order; the caller indexes and drops each before asking for the next. */
export function* corpusChunks(shape: CorpusShape, from = 0): Generator<{ chunk: number; docs: ContentDocument[]; ms: number }> {
  for (let chunk = from; chunk < shape.chunks; chunk++) {
    const started = performance.now();
    const docs = generateChunk(chunk, shape);
    yield { chunk, docs, ms: performance.now() - started };
  }
}
