/**
 * Study points: each organisation's setting (off unless turned on) and each person's points per
 * year, with the ids of the actions already rewarded so a repeated action earns nothing.
 */
import { outboxSchemaFields, type NewEvent, type OutboxRecord, type OutboxStore, type Outboxes } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection } from '@repo/db';
import { placedAt, placementSchemaFields, within, type PathHolder } from '@repo/kit';
import type { PointsDay } from '../domain/points';
import type { PointsAction } from '../domain/vocabulary';
import { placedHolder, revisionConflict } from './records';

interface SettingRecord extends OutboxRecord {
  _id: string;
  orgPath: string;
  enabled: boolean;
  updatedBy: string;
  updatedAt: string;
}

const settingSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgPath: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'pointsSettings', versionKey: false, strict: 'throw' },
);

interface PointsRecord extends OutboxRecord {
  _id: string;
  memberId: string;
  year: number;
  orgPath: string;
  orgScopes: string[];
  total: number;
  days: Record<string, PointsDay>;
  actions: string[];
}

const pointsSchema = new Schema(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    year: { type: Number, required: true },
    ...placementSchemaFields,
    total: { type: Number, default: 0 },
    days: { type: Schema.Types.Mixed, default: {} },
    actions: { type: [String], default: [] },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'points', versionKey: false, strict: 'throw', minimize: false },
);
pointsSchema.index({ orgScopes: 1, year: 1 });

export const pointsEvents = {
  settingChanged: 'learning.points.settingChanged',
  awarded: 'learning.points.awarded',
} as const;

/** Settings are few and read on every award: each process keeps them for a short while. */
const settingsCacheMs = 15_000;

export class PointsRepository {
  readonly store: OutboxStore<PointsRecord>;
  private readonly settings: OutboxStore<SettingRecord>;
  private cached: { at: number; settings: Promise<Map<string, boolean>> } | undefined;

  constructor(connection: Connection, outboxes: Outboxes) {
    this.store = outboxes.register(connection.model<PointsRecord>('Points', pointsSchema), { conflict: revisionConflict('points') });
    this.settings = outboxes.register(connection.model<SettingRecord>('PointsSetting', settingSchema), {
      conflict: revisionConflict('points setting'),
    });
  }

  get organizationPaths(): PathHolder {
    return placedHolder('points', this.store as never);
  }

  /** Each node's own setting, by path. */
  allSettings(): Promise<Map<string, boolean>> {
    if (this.cached && Date.now() - this.cached.at < settingsCacheMs) return this.cached.settings;
    const settings = this.settings.model
      .find()
      .lean<SettingRecord[]>()
      .exec()
      .then((records) => new Map(records.map((r) => [r.orgPath, r.enabled])));
    settings.catch(() => (this.cached = undefined));
    this.cached = { at: Date.now(), settings };
    return settings;
  }

  /** A node's setting, kept under the node's id, and its event. */
  async setSetting(organizationId: string, orgPath: string, enabled: boolean, actor: string, event: NewEvent): Promise<void> {
    const fields = { orgPath, enabled, updatedBy: actor, updatedAt: new Date().toISOString() };
    const updated = await this.settings.tryUpdate(
      { _id: organizationId },
      { $set: fields, $inc: { revision: 1 } },
      [event],
      organizationId,
    );
    if (!updated) {
      try {
        await this.settings.insert({ _id: organizationId, ...fields, revision: 1 }, [event]);
      } catch (err) {
        // Set by someone else at the same moment: this setting is the later one.
        if (!isDuplicateKey(err)) throw err;
        await this.settings.tryUpdate({ _id: organizationId }, { $set: fields, $inc: { revision: 1 } }, [event], organizationId);
      }
    }
    this.cached = undefined;
  }

  /** Settings follow their node when its subtree moves. */
  get settingPaths(): PathHolder {
    return { name: 'pointsSettings', store: this.settings as unknown as OutboxStore<OutboxRecord>, pathFields: ['orgPath'] };
  }

  async year(
    memberId: string,
    year: number,
  ): Promise<{ total: number; days: Record<string, PointsDay>; actions: string[]; revision: number } | null> {
    return this.store.model.findById(`${memberId}:${year}`, { total: 1, days: 1, actions: 1, revision: 1 }).lean<PointsRecord>().exec();
  }

  /**
   * Awards `points` for an action not rewarded before (by its id), within the day's figures
   * read; false when it was rewarded already or the record changed meanwhile (the caller retries).
   */
  async award(
    memberId: string,
    orgPath: string,
    year: number,
    date: string,
    action: PointsAction,
    actionId: string,
    points: number,
    event: NewEvent,
  ): Promise<'awarded' | 'repeated' | 'conflict'> {
    const _id = `${memberId}:${year}`;
    const current = await this.year(memberId, year);
    if (!current) {
      try {
        await this.store.insert({ _id, memberId, year, ...placedAt(orgPath), total: 0, days: {}, actions: [], revision: 1 }, []);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      return 'conflict';
    }
    if (current.actions.includes(actionId)) return 'repeated';
    const day = current.days[date] ?? { total: 0, byAction: {} };
    const set = {
      [`days.${date}`]: { total: day.total + points, byAction: { ...day.byAction, [action]: (day.byAction[action] ?? 0) + points } },
      total: current.total + points,
    };
    const updated = await this.store.tryUpdate(
      { _id, revision: current.revision },
      { $set: { ...set, revision: current.revision + 1 }, $push: { actions: actionId } },
      points ? [event] : [],
      _id,
    );
    return updated ? 'awarded' : 'conflict';
  }

  /** Participants and points of everyone placed at or below `scope` in a year. */
  async statistics(scope: string, year: number): Promise<{ participants: number; total: number }> {
    const records = await this.store.model
      .find({ ...within(scope), year }, { total: 1 })
      .lean<Pick<PointsRecord, 'total'>[]>()
      .exec();
    return { participants: records.filter((r) => r.total > 0).length, total: records.reduce((sum, r) => sum + r.total, 0) };
  }
}
