/** The search index kept in step with the store, and the synonyms file watched for edits. */
import { unwatchFile, watchFile } from 'node:fs';
import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { TextAnalyzer } from '@repo/text';
import { indexerDurable, indexerFilter, searchIndexer } from '../events/indexer';
import type { DocumentRepository } from '../store/documents';
import type { SearchIndex } from '../store/search';

export function searchModule(documents: DocumentRepository, index: SearchIndex, analyzer: TextAnalyzer, logger: Logger): ServiceModule {
  return {
    consumers: [{ domain: 'content', durable: indexerDurable, filterType: indexerFilter, handler: searchIndexer(documents, index) }],
    start() {
      // Synonyms apply at query time, so an edited file takes effect without a reindex.
      watchFile(analyzer.synonymsPath, { interval: 5_000, persistent: false }, () => {
        try {
          logger.info({ terms: analyzer.reloadSynonyms(), file: analyzer.synonymsPath }, 'synonyms reloaded');
        } catch (err) {
          logger.error({ err: (err as Error).message }, 'synonyms file rejected; keeping the previous synonyms');
        }
      });
    },
    stop() {
      unwatchFile(analyzer.synonymsPath);
    },
  };
}
