/**
 * What each learner is playing or reading now: one document per learner, so starting a unit
 * ends whatever else they had open (one unit playing at a time), and the server's own clock of
 * the session checks every video report.
 */
import { Schema, type Connection, type Model } from '@repo/db';
import type { PlayerSession } from '../domain/playback';

interface PlayerRecord extends PlayerSession {
  _id: string;
}

const schema = new Schema<PlayerRecord>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    courseId: { type: String, required: true },
    unitId: { type: String, required: true },
    kind: { type: String, required: true },
    startedAt: { type: String, required: true },
    lastReportAt: { type: Number, required: true },
  },
  { collection: 'players', versionKey: false, strict: 'throw' },
);
schema.index({ sessionId: 1 });

export class PlayerRepository {
  private readonly model: Model<PlayerRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<PlayerRecord>('Player', schema);
  }

  /** Starts a session for the learner, replacing any other. */
  async start(memberId: string, session: PlayerSession): Promise<void> {
    await this.model.replaceOne({ _id: memberId }, { _id: memberId, ...session }, { upsert: true }).exec();
  }

  async current(memberId: string): Promise<PlayerSession | null> {
    return this.model.findById(memberId, { _id: 0 }).lean<PlayerSession>().exec();
  }

  /**
   * A report of a unit that is not a video (nothing to check against the clock): moves the
   * session's clock in the same round trip that finds it. Answers the session, or null when it
   * is not the learner's current one or is a video's.
   */
  async advanceUnlessVideo(memberId: string, sessionId: string, now: number): Promise<PlayerSession | null> {
    // No projection: FerretDB v1 does not implement it for findAndModify. The session as it was found.
    const record = await this.model
      .findOneAndUpdate({ _id: memberId, sessionId, kind: { $ne: 'video' } }, { $set: { lastReportAt: now } })
      .lean<PlayerRecord>()
      .exec();
    if (!record) return null;
    const { _id, ...session } = record;
    return session;
  }

  /**
   * Moves the session's clock to `now` if it is still this session at the clock read; false
   * when another report or another session came in between.
   */
  async advance(memberId: string, session: PlayerSession, now: number): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: memberId, sessionId: session.sessionId, lastReportAt: session.lastReportAt }, { $set: { lastReportAt: now } })
      .exec();
    return result.modifiedCount === 1;
  }
}
