import type { Logger } from '@repo/logging';
import { isSearchable } from '../domain/document';
import type { DocumentRepository } from './documents';
import type { SearchIndex } from './search';

/**
 * Rebuilds the search index from the document store without a moment of downtime: a new
 * versioned index is filled while searches keep using the old one, documents changed
 * meanwhile are caught up, the alias moves in one atomic step, and changes that raced the
 * switch are caught up once more. The indexer keeps writing through the alias throughout.
 */
export async function rebuildSearchIndex(
  documents: DocumentRepository,
  search: SearchIndex,
  logger: Logger,
): Promise<{ index: string; indexed: number }> {
  const started = Date.now();
  const target = search.lifecycle.newIndexName();
  await search.lifecycle.createIndex(target);
  let indexed = 0;
  let since = new Date().toISOString();
  for await (const batch of documents.scan({ publishedOnly: true })) {
    indexed += await search.putMany(batch, target);
    logger.info({ index: target, indexed }, 'reindex progress');
  }
  since = await catchUp(documents, search, target, since);
  const previous = await search.lifecycle.switchAlias(target);
  await catchUp(documents, search, target, since);
  logger.info({ index: target, previous, indexed, ms: Date.now() - started }, 'search index rebuilt and alias switched');
  return { index: target, indexed };
}

/** Re-applies documents changed since `since` to `index`; returns when this pass started. */
async function catchUp(documents: DocumentRepository, search: SearchIndex, index: string, since: string): Promise<string> {
  const passStarted = new Date().toISOString();
  for await (const batch of documents.scan({ changedSince: since })) {
    const visible = batch.filter(isSearchable);
    await search.putMany(visible, index);
    for (const doc of batch.filter((d) => !isSearchable(d))) await search.remove(doc.id, doc.revision, index);
  }
  return passStarted;
}
