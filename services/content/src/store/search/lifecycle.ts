/**
 * The index's life: a versioned index (`<alias>-v<mapping>-<time>`) behind the alias, created
 * when there is none, and rebuilt into a new one (see reindex.ts) when the mapping changed.
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { indexBody, mappingVersion } from './mapping';

export class IndexLifecycle {
  constructor(
    private readonly client: Client,
    readonly alias: string,
    private readonly replicas: number,
  ) {}

  /** The index behind the alias and its mapping version; undefined when there is none yet. */
  async current(): Promise<{ index: string; version: number } | undefined> {
    if (!(await this.client.indices.existsAlias({ name: this.alias }))) return undefined;
    const aliases = await this.client.indices.getAlias({ name: this.alias });
    const index = Object.keys(aliases)[0];
    if (!index) return undefined;
    const mapping = await this.client.indices.getMapping({ index });
    const version = Number((mapping[index]?.mappings._meta as { mappingVersion?: number } | undefined)?.mappingVersion ?? 1);
    return { index, version };
  }

  /**
   * Creates a versioned index behind the alias when there is none. Returns whether the alias
   * points at an index of the current mapping (false: it needs a rebuild, see reindex).
   */
  async ensure(): Promise<boolean> {
    const existing = await this.current();
    if (existing) return existing.version === mappingVersion;
    try {
      await this.createIndex(this.newIndexName(), true);
    } catch (err) {
      // Another replica created it first.
      if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception')) throw err;
    }
    return true;
  }

  newIndexName(): string {
    return `${this.alias}-v${mappingVersion}-${Date.now()}`;
  }

  async createIndex(index: string, withAlias = false): Promise<void> {
    await this.client.indices.create({
      index,
      ...indexBody(this.replicas),
      ...(withAlias ? { aliases: { [this.alias]: { is_write_index: true } } } : {}),
    } as estypes.IndicesCreateRequest);
  }

  /**
   * Points the alias at `index` in one atomic step and deletes what it pointed at before. The
   * index is refreshed first, so searches through the alias never see it half empty.
   */
  async switchAlias(index: string): Promise<string | undefined> {
    await this.client.indices.refresh({ index });
    const previous = await this.current();
    await this.client.indices.updateAliases({
      actions: [
        ...(previous ? [{ remove: { index: previous.index, alias: this.alias } }] : []),
        { add: { index, alias: this.alias, is_write_index: true } },
      ],
    });
    if (previous && previous.index !== index) await this.client.indices.delete({ index: previous.index });
    return previous?.index;
  }
}
