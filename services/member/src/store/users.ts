import { randomUUID } from 'node:crypto';
import { outboxSchemaFields, withoutOutbox, withoutOutboxFields, type NewEvent, type Outboxes, type OutboxStore } from '@repo/bus';
import { isDuplicateKey, Schema, type Connection, type Page } from '@repo/db';
import { aborted, alreadyExists, notFound } from '@repo/errors';
import { under, type PathHolder } from '@repo/kit';
import { userEvents } from '../events/types';

export interface User {
  id: string;
  /** Lower case; unique. */
  userName: string;
  displayName: string;
  passwordHash: string;
  roles: string[];
  organizationId: string;
  orgPath: string;
  memberId: string;
  failures: string[];
  lockedUntil: string | null;
  /** A disabled user signs in no more and cannot refresh. */
  disabled: boolean;
  createdAt: string;
  createdBy: string;
  revision: number;
}

interface UserRecord extends Omit<User, 'id'> {
  _id: string;
}

const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    userName: { type: String, required: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    roles: { type: [String], default: [] },
    organizationId: { type: String, default: '' },
    orgPath: { type: String, required: true },
    memberId: { type: String, default: '' },
    failures: { type: [String], default: [] },
    lockedUntil: { type: String, default: null },
    disabled: { type: Boolean, default: false },
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    revision: { type: Number, required: true },
    ...outboxSchemaFields,
  },
  { collection: 'users', versionKey: false, strict: 'throw' },
);
userSchema.index({ userName: 1 }, { unique: true });
userSchema.index({ orgPath: 1 });

function toUser(record: UserRecord): User {
  const { _id, ...rest } = withoutOutbox(record);
  // Accounts written before `disabled` existed are enabled.
  return { id: _id, ...rest, disabled: rest.disabled ?? false };
}

export type NewUser = Omit<User, 'id' | 'failures' | 'lockedUntil' | 'disabled' | 'createdAt' | 'revision'>;

export class UserRepository {
  readonly store: OutboxStore<UserRecord>;
  /** Users keep their node's path for scope queries; it follows a subtree move. */
  readonly paths: PathHolder;

  constructor(connection: Connection, outboxes: Outboxes) {
    const model = connection.model<UserRecord>('User', userSchema);
    this.store = outboxes.register(model, {
      conflict: (id) => aborted('USER_REVISION_CONFLICT', `user ${id} was changed meanwhile; retry`, { id }),
    });
    this.paths = { name: 'users', store: this.store, pathFields: ['orgPath'] };
  }

  async create(input: NewUser): Promise<User> {
    const userName = input.userName.toLowerCase();
    if (await this.store.model.exists({ userName })) {
      throw alreadyExists('USER_NAME_TAKEN', `user name ${userName} is already taken`, { userName });
    }
    const record = {
      _id: randomUUID(),
      ...input,
      userName,
      failures: [],
      lockedUntil: null,
      disabled: false,
      createdAt: new Date().toISOString(),
      revision: 1,
    };
    try {
      await this.store.insert(record, [
        {
          type: userEvents.created,
          actor: input.createdBy,
          orgPath: input.orgPath,
          subjectId: record._id,
          // A member linked at creation is announced as a later link is (member.user.updated):
          // learning follows the account a member signs in with from these.
          data: {
            userName,
            roles: input.roles,
            organizationId: input.organizationId,
            ...(input.memberId ? { memberId: input.memberId } : {}),
          },
        },
      ]);
    } catch (err) {
      // Two creations of one name at once: the unique index decides.
      if (isDuplicateKey(err)) throw alreadyExists('USER_NAME_TAKEN', `user name ${userName} is already taken`, { userName });
      throw err;
    }
    return toUser(record);
  }

  async findByName(userName: string): Promise<User | null> {
    const record = await this.store.model.findOne({ userName: userName.toLowerCase() }, withoutOutboxFields).lean<UserRecord>().exec();
    return record ? toUser(record) : null;
  }

  async find(id: string): Promise<User | null> {
    const record = await this.store.model.findById(id, withoutOutboxFields).lean<UserRecord>().exec();
    return record ? toUser(record) : null;
  }

  async get(id: string): Promise<User> {
    const user = await this.find(id);
    if (!user) throw notFound('USER_NOT_FOUND', `user ${id} not found`, { id });
    return user;
  }

  async countWithRole(role: string): Promise<number> {
    return this.store.model.countDocuments({ roles: role }).exec();
  }

  async list(scope: string, page: number, size: number): Promise<Page<User>> {
    const query = { orgPath: under(scope) };
    const [records, total] = await Promise.all([
      this.store.model
        .find(query, withoutOutboxFields)
        .sort({ userName: 1 })
        .skip((page - 1) * size)
        .limit(size)
        .lean<UserRecord[]>()
        .exec(),
      this.store.model.countDocuments(query).exec(),
    ]);
    return { items: records.map(toUser), total };
  }

  /** Saves login bookkeeping (failures, lock) with its event; last writer wins, by design. */
  async recordLogin(
    user: User,
    changes: Partial<Pick<User, 'failures' | 'lockedUntil' | 'passwordHash'>>,
    events: NewEvent[],
  ): Promise<void> {
    await this.store.tryUpdate({ _id: user.id }, { $set: changes }, events, user.id);
  }

  /** Applies `changes` if the user is still at the revision read (else USER_REVISION_CONFLICT). */
  async update(
    user: User,
    changes: Partial<Pick<User, 'displayName' | 'roles' | 'organizationId' | 'orgPath' | 'memberId' | 'disabled'>>,
    events: NewEvent[],
  ): Promise<User> {
    return toUser(await this.store.saveIf(user.id, user.revision, {}, { $set: changes }, events));
  }
}

export interface Session {
  id: string;
  userId: string;
  refreshHash: string;
  /** Hashes of refresh tokens this session already rotated away from (reuse detection). */
  previousHashes: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string;
}

interface SessionRecord extends Omit<Session, 'id'> {
  _id: string;
}

const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    refreshHash: { type: String, required: true },
    previousHashes: { type: [String], default: [] },
    createdAt: { type: String, required: true },
    expiresAt: { type: String, required: true },
    revokedAt: { type: String, default: null },
    revokedReason: { type: String, default: '' },
  },
  { collection: 'sessions', versionKey: false, strict: 'throw' },
);
sessionSchema.index({ refreshHash: 1 });
sessionSchema.index({ previousHashes: 1 });

function toSession(record: SessionRecord): Session {
  const { _id, ...rest } = record;
  return { id: _id, ...rest };
}

/** Refresh-token sessions; only token hashes are stored. */
export class SessionRepository {
  private readonly model;

  constructor(connection: Connection) {
    this.model = connection.model<SessionRecord>('Session', sessionSchema);
  }

  async create(userId: string, refreshHash: string, expiresAt: Date): Promise<Session> {
    const record: SessionRecord = {
      _id: randomUUID(),
      userId,
      refreshHash,
      previousHashes: [],
      createdAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
      revokedReason: '',
    };
    await this.model.create(record);
    return toSession(record);
  }

  /** The session a refresh token belongs to, current or already rotated away from. */
  async findByToken(refreshHash: string): Promise<{ session: Session; current: boolean } | null> {
    const current = await this.model.findOne({ refreshHash }).lean<SessionRecord>().exec();
    if (current) return { session: toSession(current), current: true };
    const rotated = await this.model.findOne({ previousHashes: refreshHash }).lean<SessionRecord>().exec();
    return rotated ? { session: toSession(rotated), current: false } : null;
  }

  /** Swaps the refresh token if it is still the current one; false when someone else did first. */
  async rotate(session: Session, newHash: string, expiresAt: Date): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: session.id, refreshHash: session.refreshHash, revokedAt: null },
        { $set: { refreshHash: newHash, expiresAt: expiresAt.toISOString() }, $push: { previousHashes: session.refreshHash } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.model
      .updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date().toISOString(), revokedReason: reason } })
      .exec();
  }

  async revokeAllOf(userId: string, reason: string): Promise<void> {
    await this.model
      .updateMany({ userId, revokedAt: null }, { $set: { revokedAt: new Date().toISOString(), revokedReason: reason } })
      .exec();
  }
}
