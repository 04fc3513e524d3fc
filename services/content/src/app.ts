/** Wires store, domain, gRPC handlers and consumers. Listening is main.ts's job. */
import { unwatchFile, watchFile } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import {
  connectBus,
  DurableConsumer,
  ensureDeadLetterStream,
  ensureStream,
  EventPublisher,
  OutboxRelay,
  ProcessedEvents,
} from '@repo/bus';
import { connectMongo } from '@repo/db';
import { createGrpcServer, type GrpcServer } from '@repo/grpc';
import type { Logger } from '@repo/logging';
import { ContentServiceService } from '@repo/proto/content/v1';
import { loadRanking, type ContentConfig } from './config';
import { createTextAnalyzer } from './domain/text';
import { indexerDurable, indexerFilter, searchIndexer } from './events/indexer';
import { contentHandlers } from './grpc/handlers';
import { DocumentRepository } from './store/documents';
import { rebuildSearchIndex } from './store/reindex';
import { SearchIndex } from './store/search-index';

export const serviceName = 'content.v1.ContentService';

export interface ContentApp {
  grpc: GrpcServer;
  documents: DocumentRepository;
  search: SearchIndex;
  relay: OutboxRelay;
  indexer: DurableConsumer;
  /** Starts the relay and the indexer, then listens; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

export async function buildContentApp(config: ContentConfig, logger: Logger): Promise<ContentApp> {
  const connection = await connectMongo({ url: config.MONGO_URL, logger });
  const bus = await connectBus({ url: config.NATS_URL, logger, name: 'content', ...(config.BUS_NAMESPACE ? { namespace: config.BUS_NAMESPACE } : {}) });
  await ensureStream(bus, 'content');
  await ensureDeadLetterStream(bus);

  const analyzer = createTextAnalyzer({
    ...(config.SEARCH_TERMS_FILE ? { termsPath: config.SEARCH_TERMS_FILE } : {}),
    ...(config.SEARCH_SYNONYMS_FILE ? { synonymsPath: config.SEARCH_SYNONYMS_FILE } : {}),
  });
  const search = new SearchIndex({
    client: new Client({ node: config.ELASTICSEARCH_URL, requestTimeout: 10_000, maxRetries: 2 }),
    analyzer,
    prefix: config.SEARCH_INDEX_PREFIX,
    replicas: config.SEARCH_INDEX_REPLICAS,
    ranking: loadRanking(config.SEARCH_RANKING_FILE),
  });
  const indexCurrent = await search.ensure();

  // Writes nudge the relay so events leave at once; the relay exists before any write arrives.
  const documents = new DocumentRepository(connection, (id) => relay.kick(id));
  const relay = new OutboxRelay({
    collection: documents.collection,
    publisher: new EventPublisher(bus),
    logger,
    intervalMs: config.OUTBOX_SWEEP_MS,
    locks: documents.locks,
  });
  const indexer = new DurableConsumer({
    bus,
    domain: 'content',
    durable: indexerDurable,
    filterType: indexerFilter,
    handler: searchIndexer(documents, search),
    processed: new ProcessedEvents(connection.collection('processed_events')),
    logger,
  });

  // An index of an older mapping is rebuilt from the store while it keeps serving searches.
  if (!indexCurrent) await rebuildSearchIndex(documents, search, logger);

  const grpc = createGrpcServer([
    { name: serviceName, definition: ContentServiceService, implementation: contentHandlers({ documents, search, logger }) },
  ]);

  return {
    grpc,
    documents,
    search,
    relay,
    indexer,
    async start() {
      // Synonyms apply at query time, so an edited file takes effect without a reindex.
      watchFile(analyzer.synonymsPath, { interval: 5_000, persistent: false }, () => {
        try {
          logger.info({ terms: analyzer.reloadSynonyms(), file: analyzer.synonymsPath }, 'synonyms reloaded');
        } catch (err) {
          logger.error({ err: (err as Error).message }, 'synonyms file rejected; keeping the previous synonyms');
        }
      });
      relay.start();
      await indexer.start();
      return grpc.listen(config.CONTENT_GRPC_ADDR);
    },
    async stop() {
      unwatchFile(analyzer.synonymsPath);
      await grpc.shutdown();
      await indexer.stop();
      await relay.stop();
      await bus.close();
      await connection.close();
    },
  };
}
