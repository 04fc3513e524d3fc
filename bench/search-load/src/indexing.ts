/**
 * Bulk indexing of the benchmark corpus through the platform's own SearchIndex.putMany, timed
 * in three parts: the app-side part of putMany (segmentation and the rest of the document's
 * search form, which runs synchronously before the bulk request is sent), the bulk request
 * (client serialisation, HTTP, Elasticsearch) and Elasticsearch's own `took`.
 */
import { Client, errors } from '@elastic/elasticsearch';
import type { ContentDocument } from '../../../services/content/dist/domain/document';
import { createTextAnalyzer } from '@repo/text';
import { SearchIndex } from '../../../services/content/dist/store/search';
import { chunkSize, corpusChunks, corpusShape, corpusVersion } from './corpus';
import { cpuSeconds } from './proc';
import { round } from './stats';

/** Documents of the freshness test live in this organisation, so they can be found and removed. */
export const freshnessOrgPath = '/1/99/';

export interface IndexingFigures {
  builtAt: string;
  docs: number;
  /** Distinct titles among the documents (chunks reuse the generator's phrase banks). */
  uniqueTitles: number;
  batchSize: number;
  batches: number;
  /** Wall time of the whole load, corpus generation included. */
  wallSeconds: number;
  /** Making the documents (benchmark only, not the platform's work). */
  generateSeconds: number;
  /** App side of putMany: analysis (jieba, folding, document numbers, suggestions) and request building. */
  analysisSeconds: number;
  /** The bulk requests, from the call to the answer (client serialisation + HTTP + Elasticsearch). */
  bulkSeconds: number;
  /** Sum of Elasticsearch's `took` over the bulk requests. */
  esTookSeconds: number;
  docsPerSecond: { indexing: number; analysisOnly: number; bulkOnly: number };
  /** Elasticsearch's own counters for the index after the load. */
  es: { indexTimeSeconds: number; refreshSeconds: number; mergeSeconds: number; segments: number };
  /** CPU seconds used meanwhile by this loader (node) and by Elasticsearch. */
  cpuSeconds: { loader: number; elasticsearch: number };
}

export interface CorpusIndex {
  alias: string;
  index: string;
  docs: number;
  reused: boolean;
  indexing: IndexingFigures;
}

interface MetaDoc {
  index: string;
  docs: number;
  corpusVersion: number;
  chunkSize: number;
  indexing: IndexingFigures;
}

export function metaIndexName(prefix: string): string {
  return `${prefix}search-load-meta`;
}

export function makeSearchIndex(client: Client, prefix: string): SearchIndex {
  return new SearchIndex({ client, analyzer: createTextAnalyzer(), prefix });
}

async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  if (!(await client.indices.existsAlias({ name: alias }))) return [];
  return Object.keys(await client.indices.getAlias({ name: alias }));
}

async function readMeta(client: Client, prefix: string): Promise<MetaDoc | undefined> {
  try {
    return (await client.get<MetaDoc>({ index: metaIndexName(prefix), id: 'corpus' }))._source;
  } catch (err) {
    if (err instanceof errors.ResponseError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/** Removes documents left by the freshness test of this or an interrupted earlier run. */
export async function removeFreshnessDocs(client: Client, alias: string): Promise<number> {
  await client.indices.refresh({ index: alias });
  let removed = 0;
  for (let round = 0; round < 20; round++) {
    const found = await client.search({ index: alias, size: 5_000, _source: false, query: { term: { orgPath: freshnessOrgPath } } });
    const ids = found.hits.hits.map((h) => h._id!).filter(Boolean);
    if (ids.length === 0) break;
    await client.bulk({ refresh: true, operations: ids.map((id) => ({ delete: { _index: alias, _id: id } })) });
    removed += ids.length;
  }
  return removed;
}

/**
 * Makes sure the alias `<prefix>content-documents` holds exactly the benchmark corpus of `docs`
 * documents, indexed with the current mapping: reuses it when the meta record says so, else
 * (or with `fresh`) deletes it and indexes the corpus again.
 */
export async function prepareCorpusIndex(options: {
  esUrl: string;
  prefix: string;
  docs: number;
  fresh: boolean;
  batchSize: number;
  deadline: number;
  /** Elasticsearch's pid, to count its CPU time during the load. */
  esPid: number | undefined;
  log: (line: string) => void;
}): Promise<CorpusIndex> {
  const { esUrl, prefix, docs, fresh, batchSize, deadline, esPid, log } = options;
  const client = new Client({ node: esUrl, requestTimeout: 120_000 });
  try {
    const search = makeSearchIndex(client, prefix);
    const alias = search.alias;
    // ensure() answers false when the alias points at an index of an older mapping: the content
    // service would then rebuild it from its (empty) store, so the corpus must be indexed again.
    const current = (await search.lifecycle.ensure()) as unknown;
    const targets = await aliasTargets(client, alias);
    const meta = await readMeta(client, prefix);
    if (!fresh && current !== false && meta && targets.length === 1 && meta.index === targets[0]) {
      const leftovers = await removeFreshnessDocs(client, alias);
      if (leftovers) log(`index: removed ${leftovers} documents left by an earlier freshness test`);
      const count = (await client.count({ index: alias })).count;
      if (meta.docs === docs && meta.corpusVersion === corpusVersion && count === docs) {
        log(`index: reusing ${alias} -> ${meta.index} (${count} documents, built ${meta.indexing.builtAt}); --fresh rebuilds it`);
        return { alias, index: meta.index, docs: count, reused: true, indexing: meta.indexing };
      }
      log(
        `index: ${alias} holds ${count} documents of corpus v${meta.corpusVersion} (${meta.docs}); rebuilding for ${docs} documents of v${corpusVersion}`,
      );
    } else if (targets.length) {
      log(`index: ${fresh ? '--fresh' : current === false ? 'older mapping' : 'no matching meta record'}: rebuilding ${alias}`);
    }
    for (const index of targets) await client.indices.delete({ index });
    await client.indices.delete({ index: metaIndexName(prefix), ignore_unavailable: true });
    await search.lifecycle.ensure();
    const [index] = await aliasTargets(client, alias);
    if (!index) throw new Error(`ensure() made no index behind ${alias}`);

    const indexing = await indexCorpus(client, search, { docs, batchSize, deadline, esPid, log });
    const count = (await client.count({ index: alias })).count;
    if (count !== docs) throw new Error(`index holds ${count} documents after loading ${docs}`);
    await client.indices.create({ index: metaIndexName(prefix), settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await client.index({
      index: metaIndexName(prefix),
      id: 'corpus',
      refresh: true,
      document: { index, docs, corpusVersion, chunkSize, indexing } satisfies MetaDoc,
    });
    return { alias, index, docs, reused: false, indexing };
  } finally {
    await client.close();
  }
}

async function indexCorpus(
  client: Client,
  search: SearchIndex,
  {
    docs,
    batchSize,
    deadline,
    esPid,
    log,
  }: { docs: number; batchSize: number; deadline: number; esPid: number | undefined; log: (line: string) => void },
): Promise<IndexingFigures> {
  const cpu0 = { loader: process.cpuUsage(), es: cpuSeconds(esPid) };
  // Time the bulk request inside putMany: the call marks the end of the app-side part.
  let calledAt = 0;
  let bulkMs = 0;
  let tookMs = 0;
  const bulk = client.bulk.bind(client);
  const timedBulk = async (...args: Parameters<typeof bulk>) => {
    calledAt = performance.now();
    const response = await bulk(...args);
    bulkMs += performance.now() - calledAt;
    tookMs += (response as { took?: number }).took ?? 0;
    return response;
  };
  Object.assign(client, { bulk: timedBulk });

  const shape = corpusShape(docs);
  const started = performance.now();
  let generateMs = 0;
  let analysisMs = 0;
  let batches = 0;
  let indexed = 0;
  const titles = new Set<string>();
  for (const { chunk, docs: chunkDocs, ms } of corpusChunks(shape)) {
    generateMs += ms;
    for (const doc of chunkDocs) titles.add(doc.title);
    for (let i = 0; i < chunkDocs.length; i += batchSize) {
      const batch: ContentDocument[] = chunkDocs.slice(i, i + batchSize);
      const before = performance.now();
      const pending = search.putMany(batch);
      analysisMs += calledAt - before;
      indexed += await pending;
      batches += 1;
    }
    if ((chunk + 1) % 10 === 0 || chunk === shape.chunks - 1) {
      const s = (performance.now() - started) / 1000;
      log(
        `index: ${indexed}/${docs} documents, ${s.toFixed(0)} s (generate ${(generateMs / 1000).toFixed(0)} s, analysis ${(analysisMs / 1000).toFixed(0)} s, bulk ${(bulkMs / 1000).toFixed(0)} s)`,
      );
    }
    if (Date.now() > deadline) throw new Error(`indexing passed its time limit after ${indexed} documents`);
  }
  const wallMs = performance.now() - started;
  const cpuLoader = process.cpuUsage(cpu0.loader);

  await client.indices.refresh({ index: search.alias });
  const stats = await client.indices.stats({ index: search.alias, metric: ['indexing', 'refresh', 'merge', 'segments'] });
  const total = stats._all.primaries;
  const indexingMs = analysisMs + bulkMs;
  return {
    builtAt: new Date().toISOString(),
    docs: indexed,
    uniqueTitles: titles.size,
    batchSize,
    batches,
    wallSeconds: round(wallMs / 1000),
    generateSeconds: round(generateMs / 1000),
    analysisSeconds: round(analysisMs / 1000),
    bulkSeconds: round(bulkMs / 1000),
    esTookSeconds: round(tookMs / 1000),
    docsPerSecond: {
      indexing: Math.round(indexed / (indexingMs / 1000)),
      analysisOnly: Math.round(indexed / (analysisMs / 1000)),
      bulkOnly: Math.round(indexed / (bulkMs / 1000)),
    },
    es: {
      indexTimeSeconds: round((total?.indexing?.index_time_in_millis ?? 0) / 1000),
      refreshSeconds: round((total?.refresh?.total_time_in_millis ?? 0) / 1000),
      mergeSeconds: round((total?.merges?.total_time_in_millis ?? 0) / 1000),
      segments: total?.segments?.count ?? 0,
    },
    cpuSeconds: {
      loader: round((cpuLoader.user + cpuLoader.system) / 1e6),
      elasticsearch: round(cpuSeconds(esPid) - cpu0.es),
    },
  };
}
