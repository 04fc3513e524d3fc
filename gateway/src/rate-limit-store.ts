/**
 * Rate limits counted in one store every gateway replica sees: a NATS JetStream key-value bucket
 * (NATS already runs for the platform's events). @fastify/rate-limit asks the store to count a
 * request of a key (a user, an address) in a time window; here each window of each key is one
 * KV entry, incremented with compare-and-set on its revision, so two replicas never lose a count.
 * The bucket's TTL removes old windows.
 *
 * When NATS cannot be reached (down, or not connected yet), each replica counts by itself in
 * memory until it can again: the limits stay in force, per replica, and no request fails because
 * the counting store is away.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@repo/logging';
import { meterInstruments } from '@repo/telemetry/instruments';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { connect, type KV, type NatsConnection } from 'nats';

const instruments = meterInstruments('@repo/gateway', (meter) => ({
  fallbacks: meter.createCounter('partybuilding.ratelimit.local_counts', {
    unit: '{request}',
    description: "Requests counted in the replica's memory because the shared rate-limit store (NATS KV) was unreachable",
  }),
}));

type Result = { current: number; ttl: number };

/** Per-replica fixed-window counts: the fallback while the shared store is away. */
class LocalCounts {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  count(key: string, timeWindow: number, now = Date.now()): Result {
    if (this.windows.size > 100_000) for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + timeWindow };
      this.windows.set(key, window);
    }
    window.count++;
    return { current: window.count, ttl: window.resetAt - now };
  }
}

/** The shared bucket and what the stores of every route share. */
export interface SharedCounts {
  /** The bucket, once NATS answered; until then counts are local. */
  kv(): KV | undefined;
  connected(): boolean;
  local: LocalCounts;
  logger: Logger;
  /** Increments of one key by this replica run one after another (no conflict with itself). */
  queue: Map<string, Promise<unknown>>;
  warned: { value: boolean };
  close(): Promise<void>;
}

/** A KV key (letters, digits, `-`, `_`, `.`) for any rate-limit key and route. */
function entryKey(prefix: string, key: string, window: number): string {
  return `${prefix}${createHash('sha256').update(key).digest('base64url').slice(0, 32)}.${window}`;
}

const attempts = 10;

/** One count in the shared bucket: create the window's entry or bump it at the revision read. */
async function incrementShared(kv: KV, key: string, timeWindow: number): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    const now = Date.now();
    const window = Math.floor(now / timeWindow);
    const ttl = (window + 1) * timeWindow - now;
    const k = entryKey('', key, window);
    try {
      const entry = await kv.get(k);
      if (!entry || entry.operation !== 'PUT') {
        await kv.create(k, new TextEncoder().encode('1'));
        return { current: 1, ttl };
      }
      const current = Number(entry.string()) + 1;
      await kv.update(k, new TextEncoder().encode(String(current)), entry.revision);
      return { current, ttl };
    } catch (err) {
      // Another replica wrote the entry between the read and the write: read it again.
      if (attempt < attempts && /wrong last sequence|key exists/i.test((err as Error).message)) continue;
      throw err;
    }
  }
}

/** The store @fastify/rate-limit builds (`store` option): one per route with its own limit (`child`). */
export function natsRateLimitStore(shared: SharedCounts): FastifyRateLimitStoreCtor {
  class NatsKvStore implements FastifyRateLimitStore {
    /** The route's part of every key (a route with its own limit counts apart). */
    readonly prefix: string;

    constructor(_options?: unknown, prefix = '') {
      this.prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: Result) => void, timeWindow: number): void {
      const full = this.prefix + key;
      const kv = shared.kv();
      if (!kv || !shared.connected()) {
        instruments().fallbacks.add(1);
        callback(null, shared.local.count(full, timeWindow));
        return;
      }
      const previous = shared.queue.get(full) ?? Promise.resolve();
      const next = previous.then(
        () => incrementShared(kv, full, timeWindow),
        () => incrementShared(kv, full, timeWindow),
      );
      shared.queue.set(full, next);
      next.then(
        (result) => {
          if (shared.queue.get(full) === next) shared.queue.delete(full);
          if (shared.warned.value) shared.logger.info('shared rate-limit store answers again');
          shared.warned.value = false;
          callback(null, result);
        },
        (err: unknown) => {
          if (shared.queue.get(full) === next) shared.queue.delete(full);
          if (!shared.warned.value)
            shared.logger.warn({ err: (err as Error).message }, 'shared rate-limit store unreachable; counting per replica');
          shared.warned.value = true;
          instruments().fallbacks.add(1);
          callback(null, shared.local.count(full, timeWindow));
        },
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // @fastify/rate-limit passes the route's limit settings with the route as `routeInfo`.
      const { routeInfo } = routeOptions as unknown as { routeInfo?: { method?: string; url?: string } };
      const route = `${routeInfo?.method ?? ''} ${routeInfo?.url ?? ''}`;
      return new NatsKvStore(undefined, `${this.prefix}${route}|`);
    }
  }
  return NatsKvStore;
}

export interface SharedCountsOptions {
  natsUrl: string;
  bucket: string;
  logger: Logger;
  /** Longest time window of any limit: the bucket keeps entries this long (twice, for safety). */
  maxWindowMs: number;
  /** How long one KV operation may take before the replica counts locally (ms). */
  timeoutMs?: number;
}

/**
 * Connects to NATS in the background (endless reconnects, like the services' bus) and opens or
 * creates the bucket; counts stay local until it is there and whenever the connection is down.
 * A first connection that fails is retried every second until the gateway closes.
 */
export function connectSharedCounts({ natsUrl, bucket, logger, maxWindowMs, timeoutMs = 500 }: SharedCountsOptions): SharedCounts {
  let nc: NatsConnection | undefined;
  let kv: KV | undefined;
  let up = false;
  let closed = false;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  const ready = (async () => {
    // Until the first connection, try every second (stopping when the gateway closes); after
    // it, the client reconnects by itself for ever.
    // The first failure is logged once (the error's message, never the URL: it may carry a password).
    let failed = false;
    while (!nc && !closed) {
      nc = await connect({
        servers: natsUrl.split(','),
        name: 'gateway-rate-limits',
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      }).catch((err: unknown) => {
        if (!failed)
          logger.warn({ err: (err as Error).message }, 'rate-limit store cannot reach NATS; counting per replica, retrying every second');
        failed = true;
        return undefined;
      });
      if (!nc) await pause(1_000);
    }
    if (!nc || closed) {
      await nc?.close();
      return;
    }
    up = true;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') up = false;
        if (status.type === 'reconnect') up = true;
      }
    })();
    for (let delay = 500; !closed; delay = Math.min(delay * 2, 10_000)) {
      try {
        kv = await nc.jetstream({ timeout: timeoutMs }).views.kv(bucket, { history: 1, ttl: 2 * maxWindowMs, timeout: timeoutMs });
        logger.info({ bucket }, 'rate limits counted in the shared NATS KV bucket');
        return;
      } catch (err) {
        logger.warn({ bucket, err: (err as Error).message }, 'rate-limit bucket not ready; counting per replica meanwhile');
        await pause(delay);
      }
    }
  })().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'rate-limit store gave up connecting'));
  return {
    kv: () => kv,
    connected: () => up,
    local: new LocalCounts(),
    logger,
    queue: new Map(),
    warned: { value: false },
    async close() {
      closed = true;
      if (nc && !nc.isClosed()) await nc.close();
      await ready;
    },
  };
}
