/**
 * The public search index of messages: versioned indices (`<alias>-v<mapping>-<time>`) behind an
 * alias, so a new mapping is built beside the index in use and the alias moves in one step; the
 * indexer's writes, with the message revision as external version, so a late or repeated event
 * never puts back an older state.
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import type { TextAnalyzer } from '@repo/text';
import type { FeedbackMessage } from '../../domain/message';
import { indexBody, mappingVersion, toIndexed } from './mapping';
import { MessageQueries } from './queries';

export type { MessageHit, MessageSearch, MessageSearchResult } from './queries';

const status = (err: unknown) => (err instanceof errors.ResponseError ? err.statusCode : undefined);

export class MessageSearchIndex {
  readonly alias: string;
  readonly queries: MessageQueries;

  constructor(
    readonly client: Client,
    readonly analyzer: TextAnalyzer,
    prefix: string,
    private readonly replicas: number,
  ) {
    this.alias = `${prefix}feedback-messages`;
    this.queries = new MessageQueries(client, this.alias, analyzer);
  }

  /** The index behind the alias and its mapping version, if there is one. */
  private async current(): Promise<{ index: string; version: number } | undefined> {
    if (!(await this.client.indices.existsAlias({ name: this.alias }))) return undefined;
    const [index] = Object.keys(await this.client.indices.getAlias({ name: this.alias }));
    if (!index) return undefined;
    const mappings = await this.client.indices.getMapping({ index });
    return { index, version: Number((mappings[index]?.mappings._meta as { mappingVersion?: number } | undefined)?.mappingVersion ?? 0) };
  }

  private async create(index: string, withAlias: boolean): Promise<void> {
    await this.client.indices.create({
      index,
      ...indexBody(this.replicas),
      ...(withAlias ? { aliases: { [this.alias]: { is_write_index: true } } } : {}),
    } as estypes.IndicesCreateRequest);
  }

  /**
   * Makes sure the alias points at an index of the current mapping: creates one when there is
   * none, and rebuilds from `messages` (then moves the alias) when it finds an older one.
   */
  async ensure(messages: () => AsyncGenerator<FeedbackMessage[]>): Promise<void> {
    const existing = await this.current();
    if (existing?.version === mappingVersion) return;
    const index = `${this.alias}-v${mappingVersion}-${Date.now()}`;
    if (!existing) {
      try {
        await this.create(index, true);
      } catch (err) {
        // Another replica created it first.
        if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception')) throw err;
      }
      return;
    }
    await this.create(index, false);
    for await (const batch of messages()) await this.putMany(batch, index);
    await this.client.indices.refresh({ index });
    await this.client.indices.updateAliases({
      actions: [{ remove: { index: existing.index, alias: this.alias } }, { add: { index, alias: this.alias, is_write_index: true } }],
    });
    await this.client.indices.delete({ index: existing.index });
  }

  async put(message: FeedbackMessage): Promise<void> {
    try {
      await this.client.index({
        index: this.alias,
        id: message.id,
        version: message.revision,
        version_type: 'external',
        document: toIndexed(this.analyzer, message),
      });
    } catch (err) {
      if (status(err) !== 409) throw err;
    }
  }

  private async putMany(messages: FeedbackMessage[], index: string): Promise<void> {
    if (messages.length === 0) return;
    const operations = messages.flatMap((m) => [
      { index: { _index: index, _id: m.id, version: m.revision, version_type: 'external' as const } },
      toIndexed(this.analyzer, m),
    ]);
    const response = await this.client.bulk({ operations });
    const failed = response.items.map((item) => item.index).filter((r) => r?.error && r.status !== 409);
    if (failed.length) throw new Error(`indexing ${failed.length} messages failed: ${JSON.stringify(failed[0]?.error)}`);
  }

  async remove(id: string, revision: number): Promise<void> {
    try {
      await this.client.delete({ index: this.alias, id, version: revision, version_type: 'external' });
    } catch (err) {
      if (status(err) !== 409 && status(err) !== 404) throw err;
    }
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.alias });
  }
}
