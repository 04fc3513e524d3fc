import type { OutboxRelay } from '@repo/bus';
import { KeyedMutex } from '@repo/db';
import type { AggregateRecord, Aggregates } from './aggregates';

/** What a relay needs of a repository's store (the same for any record type). */
export type RelayedStore = Pick<Aggregates<AggregateRecord>, 'collection' | 'relayInserted'>;

/** Each collection with an outbox gets its relay; writes kick it with the written id. */
export class Relays {
  private readonly relays = new Map<string, OutboxRelay>();

  constructor(private readonly make: (store: RelayedStore, locks: KeyedMutex) => OutboxRelay) {}

  /** The write callback and lock set for a new repository of `name`. */
  for(name: string): { onWrite: (id: string) => void; locks: KeyedMutex; attach: (store: RelayedStore) => void } {
    const locks = new KeyedMutex();
    return {
      onWrite: (id) => this.relays.get(name)?.kick(id),
      locks,
      attach: (store) => {
        const relay = this.make(store, locks);
        this.relays.set(name, relay);
        store.relayInserted = (docs, inserted) => relay.relayInserted(docs, inserted);
      },
    };
  }

  start(): void {
    for (const relay of this.relays.values()) relay.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
  }
}
