import type { OutboxRelay } from '@repo/bus';
import { KeyedMutex } from '@repo/db';
import type { AggregateRecord, Aggregates } from './aggregates';

/** Each collection with an outbox gets its relay; writes kick it with the written id. */
export class Relays {
  private readonly relays = new Map<string, OutboxRelay>();

  constructor(private readonly make: (store: Aggregates<AggregateRecord>, locks: KeyedMutex) => OutboxRelay) {}

  /** The write callback and lock set for a new repository of `name`. */
  for(name: string): { onWrite: (id: string) => void; locks: KeyedMutex; attach: (store: Aggregates<AggregateRecord>) => void } {
    const locks = new KeyedMutex();
    return {
      onWrite: (id) => this.relays.get(name)?.kick(id),
      locks,
      attach: (store) => {
        const relay = this.make(store, locks);
        this.relays.set(name, relay);
        store.relayInserted = (docs, unchanged) => relay.relayInserted(docs, unchanged);
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
