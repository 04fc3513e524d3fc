/**
 * `npm run reindex`: rebuilds the search index from the document store into a new versioned
 * index and moves the alias to it; searches keep working throughout. Uses the same
 * configuration as the service (MONGO_URL, ELASTICSEARCH_URL, SEARCH_INDEX_PREFIX ...).
 */
import { Client } from '@elastic/elasticsearch';
import { ConfigError } from '@repo/config';
import { connectMongo } from '@repo/db';
import { createLogger } from '@repo/logging';
import { loadContentConfig, loadRanking } from './config';
import { createTextAnalyzer } from './domain/text';
import { DocumentRepository } from './store/documents';
import { rebuildSearchIndex } from './store/reindex';
import { SearchIndex } from './store/search-index';

async function main(): Promise<void> {
  const config = loadContentConfig();
  const logger = createLogger('content-reindex', config.LOG_LEVEL);
  const connection = await connectMongo({ url: config.MONGO_URL, logger });
  const client = new Client({ node: config.ELASTICSEARCH_URL, requestTimeout: 60_000 });
  try {
    const search = new SearchIndex({
      client,
      analyzer: createTextAnalyzer(),
      prefix: config.SEARCH_INDEX_PREFIX,
      replicas: config.SEARCH_INDEX_REPLICAS,
      ranking: loadRanking(config.SEARCH_RANKING_FILE),
    });
    await search.ensure();
    const { index, indexed } = await rebuildSearchIndex(new DocumentRepository(connection), search, logger);
    process.stdout.write(`reindex: ${indexed} published documents in ${index}, now behind ${search.alias}\n`);
  } finally {
    await client.close();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reindex: ${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
