/**
 * The organisation tree as this service knows it: built from the member service's events
 * (member.organization.*), never by reading its database. Cases and notices name organisations by
 * id; the rules need to know which branches exist and since when.
 */
import { isValidOrgPath } from '@repo/access';
import type { EventEnvelope } from '@repo/bus';
import { isDuplicateKey, type Connection } from '@repo/db';

export interface KnownOrganization {
  id: string;
  path: string;
  name: string;
  kind: string;
  /** When it was created (the event's time): a branch created mid-period is not judged for that period. */
  createdAt: string;
  deleted: boolean;
}

interface OrganizationDoc extends Omit<KnownOrganization, 'id'> {
  _id: string;
  /** When the path and the name were last set (the events' times). */
  setAt: { path?: string; name?: string };
}

/** The event types the directory follows. */
export const organizationEventTypes = [
  'member.organization.created',
  'member.organization.updated',
  'member.organization.moved',
  'member.organization.pathChanged',
  'member.organization.deleted',
] as const;

const toOrganization = ({ _id, path, name, kind, createdAt, deleted }: OrganizationDoc): KnownOrganization => ({
  id: _id,
  path,
  name,
  kind,
  createdAt,
  deleted,
});

export class OrganizationDirectory {
  private readonly organizations;

  constructor(connection: Connection) {
    this.organizations = connection.db!.collection<OrganizationDoc>('knownOrganizations');
  }

  async ensureIndexes(): Promise<void> {
    await this.organizations.createIndex({ kind: 1 });
  }

  /**
   * Applies one organisation event. Idempotent, and order-proof: each fact keeps the time of the
   * event that set it, so a late creation event does not take back a later move or rename.
   */
  async apply(event: EventEnvelope): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const current = await this.organizations.findOne({ _id: event.subjectId });
    const at = event.occurredAt;
    const newer = (field: keyof OrganizationDoc['setAt']) => !current || (current.setAt[field] ?? '') <= at;
    const set: Record<string, unknown> = {};
    const path = isValidOrgPath(event.orgPath) ? event.orgPath : undefined;
    switch (event.type) {
      case 'member.organization.created':
        if (path && newer('path')) Object.assign(set, { path, 'setAt.path': at });
        if (newer('name')) Object.assign(set, { name: String(data.name ?? ''), kind: String(data.kind ?? ''), 'setAt.name': at });
        set.createdAt = at;
        break;
      case 'member.organization.updated':
        if (newer('name')) {
          if (typeof data.name === 'string') set.name = data.name;
          if (typeof data.kind === 'string') set.kind = data.kind;
          set['setAt.name'] = at;
        }
        break;
      case 'member.organization.moved':
      case 'member.organization.pathChanged':
        if (path && newer('path')) Object.assign(set, { path, 'setAt.path': at });
        break;
      case 'member.organization.deleted':
        set.deleted = true;
        break;
    }
    if (current) {
      if (Object.keys(set).length) await this.organizations.updateOne({ _id: event.subjectId }, { $set: set });
      return;
    }
    const doc: OrganizationDoc = { _id: event.subjectId, path: '', name: '', kind: '', createdAt: at, deleted: false, setAt: {} };
    for (const [key, value] of Object.entries(set)) {
      if (key.startsWith('setAt.')) doc.setAt[key.slice(6) as keyof OrganizationDoc['setAt']] = value as string;
      else (doc as unknown as Record<string, unknown>)[key] = value;
    }
    // Two events of a new organisation at once: the second finds the first's document and sets its facts.
    await this.organizations.insertOne(doc).catch(async (err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
      await this.apply(event);
    });
  }

  async get(id: string): Promise<KnownOrganization | undefined> {
    const doc = await this.organizations.findOne({ _id: id });
    return doc && !doc.deleted && doc.path ? toOrganization(doc) : undefined;
  }

  /** Live organisations of these kinds. */
  async ofKinds(kinds: readonly string[]): Promise<KnownOrganization[]> {
    const found: KnownOrganization[] = [];
    for (const kind of kinds) {
      const docs = await this.organizations.find({ kind }).toArray();
      for (const doc of docs) if (!doc.deleted && doc.path) found.push(toOrganization(doc));
    }
    return found;
  }
}
