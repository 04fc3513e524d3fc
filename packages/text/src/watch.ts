import { unwatchFile, watchFile } from 'node:fs';
import type { TextAnalyzer } from './analyzer';

interface Log {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Re-reads the analyzer's synonyms within `intervalMs` of an edit of their file (synonyms apply
 * at query time, so no reindex is needed); a broken edit is logged and the previous synonyms
 * stay. Answers the function that stops watching.
 */
export function watchSynonyms(analyzer: TextAnalyzer, logger: Log, intervalMs = 5_000): () => void {
  const file = analyzer.synonymsPath;
  watchFile(file, { interval: intervalMs, persistent: false }, () => {
    try {
      logger.info({ terms: analyzer.reloadSynonyms(), file }, 'synonyms reloaded');
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'synonyms file rejected; keeping the previous synonyms');
    }
  });
  return () => unwatchFile(file);
}
