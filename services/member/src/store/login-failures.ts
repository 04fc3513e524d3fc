/**
 * Failed logins of user names that have no account, so that such a name locks exactly like one
 * with an account: otherwise the lockout's answer would tell which names exist. Kept in the
 * store, not in a process, so every replica counts the same failures.
 *
 * One small document per name tried, keyed by a hash of the lower-cased name (the names typed
 * are not kept), and removed by the purge job once neither its window nor its lock matters, so
 * the collection holds no more than the names tried within one window.
 */
import { hashToken } from '@repo/access';
import { Schema, type Connection, type Model } from '@repo/db';
import type { LockoutState } from '../domain/lockout';

interface FailureRecord extends LockoutState {
  _id: string;
  /** After this the record says nothing the lockout needs. */
  expiresAt: string;
}

const failureSchema = new Schema<FailureRecord>(
  {
    _id: { type: String, required: true },
    failures: { type: [String], default: [] },
    lockedUntil: { type: String, default: null },
    expiresAt: { type: String, required: true },
  },
  { collection: 'loginFailures', versionKey: false, strict: 'throw' },
);

const keyOf = (userName: string) => hashToken(userName.toLowerCase());

export class LoginFailures {
  private readonly model: Model<FailureRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<FailureRecord>('LoginFailure', failureSchema);
  }

  async stateOf(userName: string): Promise<LockoutState> {
    const record = await this.model.findById(keyOf(userName)).lean<FailureRecord>().exec();
    return { failures: record?.failures ?? [], lockedUntil: record?.lockedUntil ?? null };
  }

  /** Saves the name's state after a failure; last writer wins, as for accounts. */
  async save(userName: string, state: LockoutState, expiresAt: Date): Promise<void> {
    const { failures, lockedUntil } = state;
    await this.model
      .updateOne({ _id: keyOf(userName) }, { $set: { failures, lockedUntil, expiresAt: expiresAt.toISOString() } }, { upsert: true })
      .exec();
  }

  /** Removes the records that expired by `now`; answers how many. */
  async purge(now: Date): Promise<number> {
    const result = await this.model.deleteMany({ expiresAt: { $lte: now.toISOString() } }).exec();
    return result.deletedCount;
  }
}
