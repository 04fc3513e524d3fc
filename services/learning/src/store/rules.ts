/**
 * Rule data with effective dates: conversion tables, requirement sets and points rules. Each
 * version is one document, never changed once added (the history is the rules as they were).
 * They are few and read on every credit, so each process keeps them in memory for a short while.
 */
import { outboxSchemaFields, type NewEvent, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection } from '@repo/db';
import { failedPrecondition } from '@repo/errors';
import type { ConversionTable } from '../domain/conversion';
import type { PointsRules } from '../domain/points';
import type { RequirementSet } from '../domain/requirements';
import { revisionConflict } from './records';

export interface RuleKinds {
  conversionTable: ConversionTable;
  requirementSet: RequirementSet;
  pointsRules: PointsRules;
}
export type RuleKind = keyof RuleKinds;

interface RuleRecord extends OutboxRecord {
  _id: string;
  kind: RuleKind;
  version: string;
  effectiveFrom: string;
  body: unknown;
}

const schema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    version: { type: String, required: true },
    effectiveFrom: { type: String, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'rules', versionKey: false, strict: 'throw' },
);
schema.index({ kind: 1 });

/** How long a process trusts its copy: another replica's new version shows within this. */
const cacheMs = 15_000;

export class RuleRepository {
  readonly store: OutboxStore<RuleRecord>;
  private readonly cache = new Map<RuleKind, { at: number; versions: Promise<unknown[]> }>();

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<RuleRecord>('Rule', schema), { conflict: revisionConflict('rule version') });
  }

  /** Every version of a kind, oldest first; `fresh` reads past the cache (before adding one). */
  list<K extends RuleKind>(kind: K, { fresh = false } = {}): Promise<RuleKinds[K][]> {
    const cached = this.cache.get(kind);
    if (cached && !fresh && Date.now() - cached.at < cacheMs) return cached.versions as Promise<RuleKinds[K][]>;
    const versions = this.store.model
      .find({ kind })
      .lean<RuleRecord[]>()
      .exec()
      .then((records) => records.map((r) => r.body as RuleKinds[K]).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)));
    // A failed read is not kept.
    versions.catch(() => this.cache.delete(kind));
    this.cache.set(kind, { at: Date.now(), versions });
    return versions;
  }

  /** Stores a built-in version unless it is there already (the defaults, at start). */
  async seed<K extends RuleKind>(kind: K, version: RuleKinds[K]): Promise<void> {
    try {
      await this.store.insert(
        {
          _id: `${kind}:${version.version}`,
          kind,
          version: version.version,
          effectiveFrom: version.effectiveFrom,
          body: version,
          revision: 1,
        },
        [],
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async add<K extends RuleKind>(kind: K, version: RuleKinds[K], event: NewEvent): Promise<RuleKinds[K]> {
    try {
      await this.store.insert(
        {
          _id: `${kind}:${version.version}`,
          kind,
          version: version.version,
          effectiveFrom: version.effectiveFrom,
          body: version,
          revision: 1,
        },
        [event],
      );
    } catch (err) {
      // Two additions of one version at once: the unique id decides.
      if (isDuplicateKey(err))
        throw failedPrecondition('LEARNING_RULES_VERSION_TAKEN', `${kind} ${version.version} exists already`, { version: version.version });
      throw err;
    }
    this.cache.delete(kind);
    return version;
  }
}
