import type { EventEnvelope } from '@repo/bus';
import { DomainError } from '@repo/errors';
import { isSearchable, mayChangeIndex } from '../domain/document';
import type { DocumentRepository } from '../store/documents';
import type { SearchIndex } from '../store/search';

/** Durable consumer name shared by every replica of the content service. */
export const indexerDurable = 'content-indexer';
export const indexerFilter = 'content.document.>';

/**
 * Keeps the search index in step with the store. It indexes the document's current state, not
 * the event's, so events may arrive twice or out of order and the index still ends right:
 * published documents are in it, everything else is not. Events that cannot change the index
 * (a draft edited, a step between statuses that are not searchable: mayChangeIndex) are
 * skipped, and each write asks the index to refresh soon, so that a published document is
 * searchable well within a second.
 */
export function searchIndexer(documents: DocumentRepository, index: SearchIndex) {
  return async (event: EventEnvelope): Promise<void> => {
    if (!mayChangeIndex(event)) return;
    let document;
    try {
      document = await documents.get(event.subjectId);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'notFound') return;
      throw err;
    }
    if (isSearchable(document)) await index.put(document);
    else await index.remove(document.id, document.revision);
    index.refreshSoon();
  };
}
