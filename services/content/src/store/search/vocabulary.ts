/**
 * The words of the indexed titles, with the number of documents whose title has each, fed to
 * the analyzer's pinyin vocabulary: pinyin queries are spelled out and typos corrected against
 * every word a title uses, not only the dictionary's. Read from the index (so every replica
 * knows the words of documents other replicas indexed), and added to as this replica indexes.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Logger } from '@repo/logging';
import type { TextAnalyzer } from '@repo/text';

const PAGE = 5_000;

export class TitleVocabulary {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Client,
    private readonly alias: string,
    private readonly analyzer: TextAnalyzer,
  ) {}

  /** Reads every title word of the index; answers how many the analyzer did not know yet. */
  async load(): Promise<number> {
    let added = 0;
    let after: Record<string, string | number | null> | undefined;
    for (;;) {
      const response = await this.client.search({
        index: this.alias,
        size: 0,
        aggs: {
          words: { composite: { size: PAGE, sources: [{ word: { terms: { field: 'titleTerms' } } }], ...(after ? { after } : {}) } },
        },
      });
      const words = response.aggregations?.words as estypes.AggregationsCompositeAggregate | undefined;
      const buckets = (words?.buckets ?? []) as estypes.AggregationsCompositeBucket[];
      added += this.analyzer.addVocabulary(buckets.map((b) => [String(b.key.word), b.doc_count] as const));
      after = words?.after_key as Record<string, string | number | null> | undefined;
      if (buckets.length < PAGE || !after) return added;
    }
  }

  /** The words of titles this replica just indexed, known at once (as in one document). */
  note(terms: readonly string[]): void {
    this.analyzer.addVocabulary(terms.map((term) => [term, 1] as const));
  }

  /** Reloads every `intervalMs`, for the documents other replicas index; failures are logged and retried then. */
  start(intervalMs: number, logger: Logger): void {
    this.timer = setInterval(() => {
      this.load().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'title vocabulary not reloaded'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
