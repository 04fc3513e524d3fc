/**
 * The public search index: its lifecycle (versioned indices behind an alias), its writes (the
 * indexer and reindex), and its queries.
 */
import { errors, type Client } from '@elastic/elasticsearch';
import type { ContentDocument } from '../../domain/document';
import { defaultRanking, type Ranking } from '../../domain/ranking';
import type { TextAnalyzer } from '@repo/text';
import { IndexLifecycle } from './lifecycle';
import { toIndexed } from './mapping';
import { SearchQueries } from './queries';
import { TitleVocabulary } from './vocabulary';

export { joinTokens, mappingVersion } from './mapping';
export type { FacetBucket, Relaxation, SearchHit, SearchQuery, SearchResult, SearchSort, Suggestion } from '../../domain/search';

export interface SearchIndexOptions {
  client: Client;
  analyzer: TextAnalyzer;
  /** Prefix for the alias and its versioned indices (tests use one each). */
  prefix?: string;
  replicas?: number;
  ranking?: Ranking;
}

export class SearchIndex {
  readonly alias: string;
  readonly client: Client;
  readonly lifecycle: IndexLifecycle;
  readonly queries: SearchQueries;
  readonly analyzer: TextAnalyzer;
  readonly vocabulary: TitleVocabulary;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(options: SearchIndexOptions) {
    this.client = options.client;
    this.analyzer = options.analyzer;
    this.alias = `${options.prefix ?? ''}content-documents`;
    this.lifecycle = new IndexLifecycle(this.client, this.alias, options.replicas ?? 0);
    this.queries = new SearchQueries(this.client, this.alias, this.analyzer, options.ranking ?? defaultRanking);
    this.vocabulary = new TitleVocabulary(this.client, this.alias, this.analyzer);
  }

  async ping(): Promise<boolean> {
    return this.client.ping();
  }

  /**
   * Indexes with the document revision as an external version, so an older revision arriving
   * late (another replica, a redelivery) never overwrites a newer one.
   */
  async put(document: ContentDocument): Promise<void> {
    const indexed = toIndexed(this.analyzer, document);
    try {
      await this.client.index({
        index: this.alias,
        id: document.id,
        version: document.revision,
        version_type: 'external',
        document: indexed,
      });
      this.vocabulary.note(indexed.titleTerms);
    } catch (err) {
      if (!isVersionConflict(err)) throw err;
    }
  }

  /**
   * Indexes many documents in one bulk request (same external versioning as `put`), into the
   * alias or a named index (a reindex fills the next version before the alias moves).
   * Returns how many were written; stale versions count as done, anything else throws.
   */
  async putMany(documents: ContentDocument[], index: string = this.alias): Promise<number> {
    if (documents.length === 0) return 0;
    const indexed = documents.map((document) => toIndexed(this.analyzer, document));
    const operations = documents.flatMap((document, i) => [
      { index: { _index: index, _id: document.id, version: document.revision, version_type: 'external' as const } },
      indexed[i]!,
    ]);
    const response = await this.client.bulk({ operations });
    const failures = response.items.map((item) => item.index).filter((result) => result?.error && result.status !== 409);
    if (failures.length > 0) {
      throw new Error(`bulk indexing failed for ${failures.length} documents: ${JSON.stringify(failures[0]?.error)}`);
    }
    for (const doc of indexed) this.vocabulary.note(doc.titleTerms);
    return documents.length;
  }

  async remove(id: string, revision: number, index: string = this.alias): Promise<void> {
    try {
      await this.client.delete({ index, id, version: revision, version_type: 'external' });
    } catch (err) {
      if (isVersionConflict(err) || isNotFoundResponse(err)) return;
      throw err;
    }
  }

  /**
   * Makes what was just written searchable now instead of at the next periodic refresh (up to
   * a second later): one refresh at a time, and one more after it when writes came meanwhile.
   * Failures are left to the periodic refresh.
   */
  refreshSoon(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.client.indices.refresh({ index: this.alias }).catch(() => undefined);
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = undefined;
    });
  }

  /** Resolves when no refresh asked for by refreshSoon is running. */
  async refreshed(): Promise<void> {
    await this.refreshing;
  }

  async count(): Promise<number> {
    await this.client.indices.refresh({ index: this.alias });
    return (await this.client.count({ index: this.alias })).count;
  }
}

function isVersionConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409;
}

function isNotFoundResponse(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 404;
}
