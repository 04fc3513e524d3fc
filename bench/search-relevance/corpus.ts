/**
 * The benchmark corpus: the demo corpus of `npm run seed` (generateCorpus() with its defaults,
 * 170 policy documents and 80 articles) plus the hand-written documents of documents.ts.
 *
 * Document keys, which judgments.json refers to, are stable across runs:
 * - generated policy documents: their document number (江纪发〔2016〕4号), unique in the corpus;
 * - generated articles: `article:` + title (titles are unique in the generated corpus);
 * - hand-written documents: their explicit `hw:` key.
 * The generator is deterministic, so the same keys always name the same texts; if it ever
 * changes, the judgments test reports every key that no longer exists.
 */
import { validateFields, type DocumentFields } from '../../services/content/src/domain/document';
import { generateCorpus } from '../../services/content/seed/corpus';
import { handDocuments } from './documents';

export interface BenchDocument {
  key: string;
  source: 'generated' | 'hand';
  fields: DocumentFields;
}

export function keyOf(fields: DocumentFields): string {
  return fields.kind === 'policy' && fields.docNumber ? fields.docNumber : `article:${fields.title}`;
}

/** Every document of the benchmark, validated as the content service would validate it. */
export function buildCorpus(): BenchDocument[] {
  const generated = generateCorpus().map((fields): BenchDocument => ({ key: keyOf(fields), source: 'generated', fields }));
  const hand = handDocuments.map(({ key, ...fields }): BenchDocument => ({ key, source: 'hand', fields: validateFields(fields) }));
  const all = [...generated, ...hand];
  const seen = new Set<string>();
  const numbers = new Set<string>();
  for (const doc of all) {
    if (seen.has(doc.key)) throw new Error(`duplicate document key ${doc.key}`);
    seen.add(doc.key);
    if (doc.fields.docNumber) {
      if (numbers.has(doc.fields.docNumber)) throw new Error(`duplicate document number ${doc.fields.docNumber} (${doc.key})`);
      numbers.add(doc.fields.docNumber);
    }
  }
  return all;
}
