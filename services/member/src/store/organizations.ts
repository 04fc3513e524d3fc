import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type OutboxStore, type Outboxes } from '@repo/bus';
import { Schema, type Connection, type Page } from '@repo/db';
import { aborted, alreadyExists, notFound } from '@repo/errors';
import { rebasePath, rewriteOrgPaths, under, type PathHolder } from '@repo/kit';
import { childPath, depthOf, type Organization, type OrganizationKind } from '../domain/organization';
import { organizationEvents } from '../events/types';

interface OrganizationRecord extends Omit<Organization, 'id'> {
  _id: string;
  /** Set while a move of this subtree is being applied to the nodes and records below it. */
  pendingMove?: PendingMove | null;
  deletedAt?: string | null;
}

interface PendingMove {
  from: string;
  to: string;
  actor: string;
}

const organizationSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    parentId: { type: String, default: '' },
    path: { type: String, required: true },
    depth: { type: Number, required: true },
    code: { type: String, default: '' },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    revision: { type: Number, required: true },
    pendingMove: { type: Schema.Types.Mixed, default: null },
    // A deleted node stays as a tombstone (outside every path prefix) so its event is relayed.
    deletedAt: { type: String, default: null },
    ...outboxSchemaFields,
  },
  { collection: 'organizations', versionKey: false, strict: 'throw' },
);
organizationSchema.index({ path: 1 });
organizationSchema.index({ parentId: 1, name: 1 });
organizationSchema.index({ code: 1 }, { sparse: true });

function toOrganization(record: OrganizationRecord): Organization {
  const { _id, pendingMove: _move, deletedAt: _deleted, ...rest } = withoutOutbox(record);
  return { id: _id, ...rest };
}

export interface MoveResult {
  organization: Organization;
  movedNodes: number;
  movedRecords: number;
}

export class OrganizationRepository {
  readonly store: OutboxStore<OrganizationRecord>;

  constructor(
    connection: Connection,
    outboxes: Outboxes,
    /** The service's other collections that keep a copy of organisation paths: a move rewrites them too. */
    private readonly followers: readonly PathHolder[],
  ) {
    const model = connection.model<OrganizationRecord>('Organization', organizationSchema);
    this.store = outboxes.register(model, {
      conflict: (id) => aborted('ORG_REVISION_CONFLICT', `organization ${id} was changed by someone else; reload and retry`, { id }),
    });
  }

  async create(
    input: { name: string; kind: OrganizationKind; code: string; parent: Organization | null },
    actor: string,
  ): Promise<Organization> {
    if (input.code) await this.assertCodeFree(input.code);
    const now = new Date().toISOString();
    const id = randomUUID();
    const path = childPath(input.parent ? input.parent.path : '/', id);
    const record = {
      _id: id,
      name: input.name,
      kind: input.kind,
      parentId: input.parent?.id ?? '',
      path,
      depth: depthOf(path),
      code: input.code,
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
      revision: 1,
      pendingMove: null,
    };
    await this.store.insert(record, [
      {
        type: organizationEvents.created,
        actor,
        orgPath: path,
        subjectId: id,
        data: { name: input.name, kind: input.kind, parentId: record.parentId },
      },
    ]);
    return toOrganization(record);
  }

  async find(id: string): Promise<Organization | null> {
    const record = await this.store.model.findOne({ _id: id, deletedAt: null }, withoutOutboxFields).lean<OrganizationRecord>().exec();
    return record ? toOrganization(record) : null;
  }

  async findByCode(code: string): Promise<Organization | null> {
    const record = await this.store.model.findOne({ code, deletedAt: null }, withoutOutboxFields).lean<OrganizationRecord>().exec();
    return record ? toOrganization(record) : null;
  }

  async get(id: string): Promise<Organization> {
    const found = await this.find(id);
    if (!found) throw notFound('ORG_NOT_FOUND', `organization ${id} not found`, { id });
    return found;
  }

  async list(
    filter: { parentId?: string; under?: string; kind?: OrganizationKind; scope: string },
    page: number,
    size: number,
  ): Promise<Page<Organization>> {
    const query: Record<string, unknown> = { path: under(filter.under ?? filter.scope) };
    if (filter.parentId !== undefined) query.parentId = filter.parentId;
    if (filter.kind) query.kind = filter.kind;
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, withoutOutboxFields)
        .sort({ path: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<OrganizationRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map(toOrganization), total };
  }

  /** The caller's topmost visible nodes: their own node, or the top committees for the root. */
  async roots(scope: string): Promise<Organization[]> {
    const query = scope === '/' ? { parentId: '' } : { path: scope };
    const records = await this.store.model
      .find(query, withoutOutboxFields)
      .sort({ name: 1 })
      .limit(200)
      .lean<OrganizationRecord[]>()
      .exec();
    return records.map(toOrganization);
  }

  /** Every node of a subtree (for per-branch reports and import references). */
  async subtree(path: string, kinds?: readonly OrganizationKind[]): Promise<Organization[]> {
    const query: Record<string, unknown> = { path: under(path) };
    if (kinds) query.kind = { $in: kinds };
    const records = await this.store.model.find(query, withoutOutboxFields).sort({ path: 1 }).lean<OrganizationRecord[]>().exec();
    return records.map(toOrganization);
  }

  /**
   * The subtree of `root` in path order (a node, then its children's subtrees by path), read
   * lazily one node's children at a time by an equality on `parentId`, which FerretDB serves from
   * an index, where a path range reads every node. With `from`, the nodes before that path are
   * left out without reading their subtrees. A caller that stops early reads only what it used.
   */
  async *preorder(root: Pick<Organization, 'id' | 'path'>, from = ''): AsyncGenerator<{ id: string; path: string }> {
    // The root of everything ('/', no id) holds no members itself.
    if (root.id && root.path >= from) yield { id: root.id, path: root.path };
    const children = (
      await this.store.model.find({ parentId: root.id }, { _id: 1, path: 1 }).lean<{ _id: string; path: string }[]>().exec()
    )
      // A deleted node keeps its parent but leaves every path prefix.
      .filter((c) => c.path.startsWith(root.path) && c.path !== root.path)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const child of children) {
      const node = { id: child._id, path: child.path };
      if (from.startsWith(child.path)) yield* this.preorder(node, from);
      else if (child.path >= from) yield* this.preorder(node);
      // else: the whole subtree sorts before `from`.
    }
  }

  async countChildren(id: string): Promise<number> {
    return this.store.model.countDocuments({ parentId: id }).exec();
  }

  async update(current: Organization, changes: { name?: string; code?: string }, actor: string): Promise<Organization> {
    if (changes.code && changes.code !== current.code) await this.assertCodeFree(changes.code);
    const record = await this.store.saveIf(
      current.id,
      current.revision,
      {},
      { $set: { ...changes, updatedAt: new Date().toISOString() } },
      [
        {
          type: organizationEvents.updated,
          actor,
          orgPath: current.path,
          subjectId: current.id,
          data: { changed: Object.keys(changes), ...changes },
        },
      ],
    );
    return toOrganization(record);
  }

  async delete(current: Organization, actor: string): Promise<void> {
    // The event must travel in the document (outbox), so the node becomes a tombstone outside
    // every path prefix and parent instead of disappearing.
    const now = new Date().toISOString();
    await this.store.saveIf(
      current.id,
      current.revision,
      {},
      { $set: { deletedAt: now, updatedAt: now, code: '', path: `deleted:${current.path}`, parentId: `deleted:${current.parentId}` } },
      [
        {
          type: organizationEvents.deleted,
          actor,
          orgPath: current.path,
          subjectId: current.id,
          data: { name: current.name, kind: current.kind },
        },
      ],
    );
  }

  /**
   * Moves a subtree: the node first (with the pending move recorded on it), then every node and
   * every follower's record below it, then the mark is cleared. Each step is conditional on the
   * old path, so `resumeMoves` finishes a move a crash interrupted. Other services follow the
   * node's `moved` event (see organizationMoveFollower in @repo/kit).
   */
  async move(node: Organization, newParent: Organization | null, actor: string): Promise<MoveResult> {
    const newPath = childPath(newParent ? newParent.path : '/', node.id);
    const pendingMove: PendingMove = { from: node.path, to: newPath, actor };
    const moved = await this.store.saveIf(
      node.id,
      node.revision,
      { pendingMove: null },
      { $set: { parentId: newParent?.id ?? '', path: newPath, depth: depthOf(newPath), updatedAt: new Date().toISOString(), pendingMove } },
      [
        {
          type: organizationEvents.moved,
          actor,
          orgPath: newPath,
          subjectId: node.id,
          data: { from: node.path, to: newPath, parentId: newParent?.id ?? '' },
        },
      ],
    );
    const { movedNodes, movedRecords } = await this.finishMove(node.id, pendingMove);
    return { organization: toOrganization(moved), movedNodes: movedNodes + 1, movedRecords };
  }

  /** Completes moves left half-done (by the maintenance job, whose first tick runs at start). */
  async resumeMoves(): Promise<number> {
    const pending = await this.store.model
      .find({ pendingMove: { $ne: null } }, withoutOutboxFields)
      .lean<OrganizationRecord[]>()
      .exec();
    for (const record of pending) if (record.pendingMove) await this.finishMove(record._id, record.pendingMove);
    return pending.length;
  }

  private async finishMove(id: string, move: PendingMove): Promise<{ movedNodes: number; movedRecords: number }> {
    let movedNodes = 0;
    const below = await this.store.model
      .find({ path: under(move.from) }, withoutOutboxFields)
      .lean<OrganizationRecord[]>()
      .exec();
    for (const record of below) {
      const path = rebasePath(record.path, move.from, move.to);
      const updated = await this.store.tryUpdate(
        { _id: record._id, path: record.path },
        { $set: { path, depth: depthOf(path), updatedAt: new Date().toISOString(), revision: record.revision + 1 } },
        [
          {
            type: organizationEvents.pathChanged,
            actor: move.actor,
            orgPath: path,
            subjectId: record._id,
            data: { from: record.path, to: path, movedRoot: id },
          },
        ],
        record._id,
      );
      if (updated) movedNodes++;
    }
    let movedRecords = 0;
    for (const follower of this.followers) movedRecords += await rewriteOrgPaths(follower, move.from, move.to, move.actor);
    await this.store.locks.run(id, () => this.store.model.updateOne({ _id: id }, { $set: { pendingMove: null } }).exec());
    return { movedNodes, movedRecords };
  }

  private async assertCodeFree(code: string): Promise<void> {
    if (await this.store.model.exists({ code, deletedAt: null })) {
      throw alreadyExists('ORG_CODE_TAKEN', `organization code ${code} is already used`, { code });
    }
  }
}
