/** The content service's modules, handed to the service kit. Listening is main.ts's job. */
import { Client } from '@elastic/elasticsearch';
import type { DurableConsumer } from '@repo/bus';
import { bootService, type ServiceApp } from '@repo/kit';
import type { Logger } from '@repo/logging';
import { loadRanking, textAnalyzerFrom, type ContentConfig } from './config';
import { publishedCacheModule } from './documents/cache-module';
import { DocumentUseCases } from './documents/use-cases';
import { indexerDurable } from './events/indexer';
import { contentService } from './grpc/handlers';
import { searchModule } from './search/module';
import { SearchUseCases } from './search/use-cases';
import { DocumentRepository } from './store/documents';
import { PublishedCache } from './store/published-cache';
import { rebuildSearchIndex } from './store/reindex';
import { SearchIndex } from './store/search';

export interface ContentApp extends ServiceApp {
  documents: DocumentRepository;
  search: SearchIndex;
  indexer: DurableConsumer;
}

/** The search index the configuration names (the service's and npm run reindex's). */
export function searchIndexFrom(
  config: Omit<ContentConfig, 'CALLER_VERIFY_KEYS' | 'CONTENT_GRPC_ADDR'>,
  requestTimeout = 10_000,
): SearchIndex {
  return new SearchIndex({
    client: new Client({ node: config.ELASTICSEARCH_URL, requestTimeout, maxRetries: 2 }),
    analyzer: textAnalyzerFrom(config),
    prefix: config.SEARCH_INDEX_PREFIX,
    replicas: config.SEARCH_INDEX_REPLICAS,
    ranking: loadRanking(config.SEARCH_RANKING_FILE),
  });
}

export async function buildApp(config: ContentConfig, logger: Logger): Promise<ContentApp> {
  const search = searchIndexFrom(config);
  let documents: DocumentRepository | undefined;
  const app = await bootService({
    name: 'content',
    config,
    logger,
    address: config.CONTENT_GRPC_ADDR,
    // Documents follow their organisation when the member service moves a subtree.
    reads: ['member'],
    modules: async ({ connection, outboxes, bus }) => {
      const cache = new PublishedCache(config.DOCUMENT_CACHE_ENTRIES, config.DOCUMENT_CACHE_TTL_MS);
      const repository = (documents = new DocumentRepository(connection, outboxes, cache));
      // An index of an older mapping is rebuilt from the store while it keeps serving searches.
      if (!(await search.lifecycle.ensure())) await rebuildSearchIndex(repository, search, logger);
      return [
        {
          grpc: [contentService(new DocumentUseCases(repository), new SearchUseCases(repository, search))],
          organizationPaths: [repository.organizationPaths],
        },
        searchModule(repository, search, search.analyzer, logger, config.SEARCH_VOCABULARY_REFRESH_MS),
        publishedCacheModule(bus, cache, logger),
      ];
    },
  });
  const indexer = app.consumers.find((c) => c.durable === indexerDurable) as DurableConsumer;
  return { ...app, documents: documents!, search, indexer };
}
