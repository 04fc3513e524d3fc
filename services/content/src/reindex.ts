/**
 * `npm run reindex`: rebuilds the search index from the document store into a new versioned
 * index and moves the alias to it; searches keep working throughout. Uses the same
 * configuration as the service (MONGO_URL, ELASTICSEARCH_URL, SEARCH_INDEX_PREFIX, the
 * dictionary and synonyms files ...), so it tokenizes as the service does.
 */
import { Outboxes } from '@repo/bus';
import { ConfigError } from '@repo/config';
import { connectMongo } from '@repo/db';
import { createLogger } from '@repo/logging';
import { searchIndexFrom } from './app';
import { loadReindexConfig } from './config';
import { DocumentRepository } from './store/documents';
import { rebuildSearchIndex } from './store/reindex';

async function main(): Promise<void> {
  const config = loadReindexConfig();
  const logger = createLogger('content-reindex', config.LOG_LEVEL);
  const connection = await connectMongo({ url: config.MONGO_URL, logger });
  const search = searchIndexFrom(config, 60_000);
  try {
    await search.lifecycle.ensure();
    // Reads only: outboxes without a publisher never relay.
    const documents = new DocumentRepository(connection, new Outboxes({ logger, sweepMs: config.OUTBOX_SWEEP_MS }));
    const { index, indexed } = await rebuildSearchIndex(documents, search, logger);
    process.stdout.write(`reindex: ${indexed} published documents in ${index}, now behind ${search.alias}\n`);
  } finally {
    await search.client.close();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reindex: ${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
