/**
 * What the run watches besides latency: CPU seconds per process over a phase (search-load's
 * /proc readers), resident memory of the services, the machine's load average, and how many
 * events the member service's outbox relay has published to its NATS streams.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import type { JetStreamManager } from 'nats';
import { cpuSample, cpuUsedSince, machineCpu, type Processes } from '../../search-load/src/proc';
import { round } from '../../search-load/src/stats';

/** Resident and peak resident memory of a process in MiB (VmRSS, VmHWM), NaN when gone. */
export function memoryMiB(pid: number | undefined): { rss: number; peak: number } {
  if (!pid) return { rss: NaN, peak: NaN };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: round(kb('VmRSS') / 1024, 1), peak: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

export function loadAverage(): { one: number; five: number; fifteen: number } {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { one: one ?? NaN, five: five ?? NaN, fifteen: fifteen ?? NaN };
}

export interface CpuReading {
  /** CPU seconds per named process over the interval; `other` is the rest of the machine. */
  seconds: Record<string, number>;
  /** Share of one core, per process, over the interval (100 = one core busy). */
  percentOfCore: Record<string, number>;
  machineBusyPercent: number;
  wallSeconds: number;
}

/**
 * A server made of several processes: PostgreSQL's postmaster (the first line of its data
 * directory's postmaster.pid) and its children, one backend per connection.
 */
export function postgresProcesses(dataDir: string): () => number[] {
  return () => {
    let postmaster: number;
    try {
      postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    } catch {
      return [];
    }
    const pids = [postmaster];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(entry));
      } catch {
        // exited meanwhile
      }
    }
    return pids;
  };
}

/**
 * Starts a CPU meter over the given processes (see Processes); `read()` gives the usage since
 * the start.
 */
export function cpuMeter(pids: Record<string, Processes>): { read(extra?: Record<string, number>): CpuReading } {
  const start = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSample(p)]));
  const machine0 = machineCpu();
  const t0 = performance.now();
  return {
    read(extra = {}) {
      const machine1 = machineCpu();
      const wall = (performance.now() - t0) / 1000;
      const seconds: Record<string, number> = {};
      for (const [k, p] of Object.entries(pids)) seconds[k] = cpuUsedSince(p, start[k]!);
      Object.assign(seconds, extra);
      const busy = machine1.busy - machine0.busy;
      seconds.other = busy - Object.values(seconds).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
      const total = machine1.total - machine0.total;
      return {
        seconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round(v, 1)])),
        percentOfCore: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round((100 * v) / Math.max(wall, 1e-9), 0)])),
        machineBusyPercent: round((100 * busy) / Math.max(total, 1e-9), 0),
        wallSeconds: round(wall, 1),
      };
    },
  };
}

/** Messages in the run's streams (NAMESPACE_*, dead letters excluded), by stream. */
export async function streamMessages(jsm: JetStreamManager, namespace: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${namespace.toUpperCase()}_`)) out[stream.config.name] = stream.state.messages;
  }
  return out;
}

/**
 * A side channel to the run's own database, for what the REST API cannot tell in time: document
 * counts from FerretDB's collStats (cheap there; count and estimatedDocumentCount read every
 * document on FerretDB 1.x), to follow an import or a billing run the gateway gave up on, and the
 * ids of members the benchmark imported, found by their national ID numbers.
 */
export class RunStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly database: string,
  ) {}

  static async open(mongoBase: string, database: string): Promise<RunStore> {
    const client = new MongoClient(mongoBase, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    return new RunStore(client, database);
  }

  async count(collection: string): Promise<number> {
    try {
      const stats = await this.client.db(this.database).command({ collStats: collection });
      return Number(stats.count ?? NaN);
    } catch {
      return 0; // not created yet
    }
  }

  /**
   * id and birth date of the members with these national ID numbers: one equality query each,
   * which FerretDB pushes down (`$in` makes it decode every member: 43 s at 100,000).
   */
  async membersByNationalId(nationalIds: string[]): Promise<{ id: string; nationalId: string; birthDate: string }[]> {
    const members = this.client.db(this.database).collection<{ _id: string; nationalId: string; birthDate: string }>('members');
    const found: { id: string; nationalId: string; birthDate: string }[] = [];
    for (const nationalId of nationalIds) {
      const r = await members.findOne({ nationalId }, { projection: { _id: 1, nationalId: 1, birthDate: 1 } });
      if (r) found.push({ id: r._id, nationalId: r.nationalId, birthDate: r.birthDate });
    }
    return found;
  }

  /** Members stored per branch, and their national ID numbers (one pass over the collection). */
  async membersByBranch(): Promise<{ byBranch: Map<string, number>; nationalIds: string[] }> {
    const byBranch = new Map<string, number>();
    const nationalIds: string[] = [];
    const cursor = this.client
      .db(this.database)
      .collection<{ organizationId: string; nationalId: string }>('members')
      .find({}, { projection: { _id: 0, organizationId: 1, nationalId: 1 }, batchSize: 10_000 });
    for await (const m of cursor) {
      byBranch.set(m.organizationId, (byBranch.get(m.organizationId) ?? 0) + 1);
      nationalIds.push(m.nationalId);
    }
    return { byBranch, nationalIds };
  }

  /** The database's size as the store reports it (dbStats; on PostgreSQL, its relations). */
  async databaseBytes(): Promise<{ data: number; storage: number; indexes: number; total: number }> {
    const stats = await this.client.db(this.database).command({ dbStats: 1 });
    return {
      data: Number(stats.dataSize ?? NaN),
      storage: Number(stats.storageSize ?? NaN),
      indexes: Number(stats.indexSize ?? NaN),
      total: Number(stats.totalSize ?? NaN),
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
