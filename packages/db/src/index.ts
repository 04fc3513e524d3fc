import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from '@repo/logging';

export { mongoose, Schema, type Connection, type Model };

export interface MongoOptions {
  url: string;
  logger: Logger;
  /** Overrides the database named in the URL (tests use one database each). */
  dbName?: string;
  /** Give up after this long; the process then exits through its caller. */
  connectTimeoutMs?: number;
  /** Emit the driver's command events (commandSucceeded, commandFailed), for store metrics. */
  monitorCommands?: boolean;
  /**
   * How long an operation waits for a reachable store before it fails (MongoServerSelectionError,
   * answered UNAVAILABLE by the kit). Below the callers' gRPC deadline (5 s): at 5 s the deadline
   * fired first and a store outage reached clients as 504 instead of 503 with Retry-After.
   */
  serverSelectionTimeoutMs?: number;
}

/** The default server selection timeout: well inside the gateway's 5 s deadline, even on a busy machine. */
export const defaultServerSelectionTimeoutMs = 2_000;

/**
 * One connection per app (not mongoose's global), retried with backoff until the store answers,
 * so a service can start before its database and several apps can live in one test process.
 */
export async function connectMongo(options: MongoOptions): Promise<Connection> {
  const {
    url,
    logger,
    dbName,
    connectTimeoutMs = 60_000,
    monitorCommands = false,
    serverSelectionTimeoutMs = defaultServerSelectionTimeoutMs,
  } = options;
  const started = Date.now();
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const connection = mongoose.createConnection(url, {
      ...(dbName ? { dbName } : {}),
      serverSelectionTimeoutMS: serverSelectionTimeoutMs,
      // FerretDB v1 and MongoDB both accept these; retryable writes need a replica set.
      retryWrites: false,
      autoIndex: true,
      monitorCommands,
    });
    try {
      await connection.asPromise();
      logger.info({ db: connection.name, attempt }, 'connected to document store');
      return connection;
    } catch (err) {
      await connection.close().catch(() => undefined);
      if (Date.now() - started > connectTimeoutMs) {
        throw new Error(`document store at ${redact(url)} did not answer within ${connectTimeoutMs} ms`, {
          cause: err,
        });
      }
      logger.warn({ attempt, err: (err as Error).message }, 'document store not ready, retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/** Hides credentials in a connection string before it reaches a log. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export async function closeMongo(connection: Connection): Promise<void> {
  await connection.close();
}
export { KeyedMutex } from './keyed-mutex';

/**
 * True when a write was refused by a unique index (E11000), for one document or any of a bulk
 * write's: how stores turn "already there" into their own answer.
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[]; result?: { writeErrors?: { code?: number }[] } } | null;
  return e?.code === 11000 || (e?.writeErrors ?? e?.result?.writeErrors ?? []).some((w) => w.code === 11000);
}

/** One page of a list, with the count of everything the filter matches. */
export interface Page<T> {
  items: T[];
  total: number;
}

export { bulkReplace, type Replacements } from './bulk';
