/**
 * The search index kept in step with the store, the synonym files (synonyms, abbreviations, the
 * deployment's own names) watched for edits, and the vocabulary of indexed titles kept current.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { ServiceModule } from '@repo/kit';
import type { Logger } from '@repo/logging';
import type { TextAnalyzer } from '@repo/text';
import { indexerDurable, indexerFilter, searchIndexer } from '../events/indexer';
import type { DocumentRepository } from '../store/documents';
import type { SearchIndex } from '../store/search';

export function searchModule(
  documents: DocumentRepository,
  index: SearchIndex,
  analyzer: TextAnalyzer,
  logger: Logger,
  vocabularyRefreshMs: number,
): ServiceModule {
  return {
    // The indexer acts on current state: order and repeats do not matter, so no bookkeeping and 8 at a time.
    consumers: [
      {
        domain: 'content',
        durable: indexerDurable,
        filterType: indexerFilter,
        handler: searchIndexer(documents, index),
        idempotent: true,
        concurrency: 8,
      },
    ],
    async start() {
      // Synonyms apply at query time, so an edited file takes effect without a reindex.
      for (const file of analyzer.ruleFiles) {
        watchFile(file, { interval: 5_000, persistent: false }, () => {
          try {
            logger.info({ terms: analyzer.reloadSynonyms(), file }, 'synonyms reloaded');
          } catch (err) {
            logger.error({ err: (err as Error).message }, 'synonyms file rejected; keeping the previous synonyms');
          }
        });
      }
      try {
        logger.info({ words: await index.vocabulary.load() }, 'title vocabulary loaded');
      } catch (err) {
        // Searching works without it; pinyin and typos then go by the dictionary until the next load.
        logger.warn({ err: (err as Error).message }, 'title vocabulary not loaded; retrying on schedule');
      }
      index.vocabulary.start(vocabularyRefreshMs, logger);
    },
    stop() {
      index.vocabulary.stop();
      for (const file of analyzer.ruleFiles) unwatchFile(file);
    },
  };
}
