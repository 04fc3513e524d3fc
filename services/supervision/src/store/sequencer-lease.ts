/**
 * Which replica appends to the audit log: the holder of a lease it renews while it lives. A log
 * has one writer position, and on FerretDB v1 a conditional update is a read and a separate write,
 * so the lease is taken, as the kit's job leases are, by inserting the claim of the next
 * generation: the unique `_id` lets one claimant win. The holder renews its own claim (nobody
 * else writes it); a replica takes the next generation only once that claim has expired, and a
 * holder that sees a newer generation stops. Even when two replicas believe they hold it (a holder
 * paused past its expiry), entries are inserted by index with a unique `_id`, so they cannot both
 * write one index (see AuditTreeStore.insertEntries).
 */
import { randomUUID } from 'node:crypto';
import { isDuplicateKey, type Connection } from '@repo/db';

interface ClaimDoc {
  _id: string;
  generation: number;
  holder: string;
  expiresAt: string;
}

const claimId = (generation: number) => `sequencer#${generation}`;

export class SequencerLease {
  private readonly claims;
  readonly holder = randomUUID();
  private generation: number | undefined;
  /** The newest generation seen, so a newcomer does not probe from the first. */
  private known = 0;

  constructor(
    connection: Connection,
    private readonly ttlMs: number,
  ) {
    this.claims = connection.db!.collection<ClaimDoc>('auditSequencer');
  }

  get held(): boolean {
    return this.generation !== undefined;
  }

  /** The newest claim: the one after it does not exist. Probed by `_id`, which the store serves from its key. */
  private async newest(): Promise<ClaimDoc | undefined> {
    let newest: ClaimDoc | undefined;
    for (let generation = Math.max(this.known, 1); ; generation++) {
      const claim = await this.claims.findOne({ _id: claimId(generation) });
      if (!claim) break;
      newest = claim;
      this.known = generation;
    }
    return newest;
  }

  /** Takes the lease if nobody holds it; renews it when this process does. Answers whether it holds it now. */
  async tick(now = new Date()): Promise<boolean> {
    const newest = await this.newest();
    if (this.generation !== undefined) {
      if (newest && newest.generation !== this.generation) {
        // Someone took over while this process was away.
        this.generation = undefined;
        return false;
      }
      await this.claims.updateOne({ _id: claimId(this.generation), holder: this.holder }, { $set: { expiresAt: this.expiry(now) } });
      return true;
    }
    if (newest && newest.expiresAt > now.toISOString()) return false;
    const generation = (newest?.generation ?? 0) + 1;
    try {
      await this.claims.insertOne({ _id: claimId(generation), generation, holder: this.holder, expiresAt: this.expiry(now) });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    this.generation = generation;
    this.known = generation;
    return true;
  }

  /** Lets the next replica take over at once (a clean stop). */
  async release(): Promise<void> {
    if (this.generation === undefined) return;
    const generation = this.generation;
    this.generation = undefined;
    await this.claims.updateOne({ _id: claimId(generation), holder: this.holder }, { $set: { expiresAt: new Date(0).toISOString() } });
  }

  private expiry(now: Date): string {
    return new Date(now.getTime() + this.ttlMs).toISOString();
  }
}
