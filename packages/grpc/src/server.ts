import {
  Server,
  ServerCredentials,
  type MethodDefinition,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Caller } from '@repo/access';
import { DomainError } from '@repo/errors';
import type { Logger } from '@repo/logging';
import { HealthImplementation } from 'grpc-health-check';
import { credentialsFromMetadata, type CallCredentials } from './identity';
import { toServiceError } from './status';

export interface CallContext {
  /** Who is calling, from a verified caller assertion. */
  caller: Caller;
  /** The call's credentials, to pass on when this call makes another on the caller's behalf. */
  credentials: CallCredentials;
  /** Time left before the caller's deadline, in ms (Infinity when none was set). */
  deadlineMs: number;
}

/** Checks a call's caller assertion (AssertionVerifier in @repo/access). */
export interface CallerVerifier {
  verify(assertion: string | undefined): Promise<Caller>;
}

/** A ts-proto service definition: its methods, each with its (de)serialisers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- grpc-js's own definition type; requests and responses are inferred below
export type Definition = Record<string, MethodDefinition<any, any>>;
export type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer Req } ? Req : never;
export type ResponseOf<M> = M extends { responseDeserialize: (bytes: Buffer) => infer Res } ? Res : never;

/** A service's use-case adapters: one async function per RPC, request in, response out. */
export type Handlers<D> = { [K in keyof D]: (request: RequestOf<D[K]>, context: CallContext) => Promise<ResponseOf<D[K]>> };

export interface ServiceRegistration {
  /** Fully qualified name for health checks, e.g. content.v1.ContentService. */
  name: string;
  definition: Definition;
  handlers: Record<string, (request: never, context: CallContext) => Promise<unknown>>;
}

/** A registration whose handlers are checked against the definition's requests and responses. */
export function defineService<D extends Definition>(name: string, definition: D, handlers: Handlers<D>): ServiceRegistration {
  return { name, definition, handlers: handlers as ServiceRegistration['handlers'] };
}

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime() - Date.now();
  return Number.isFinite(deadline) ? Number(deadline) - Date.now() : Infinity;
}

/**
 * Adapts a handler to grpc-js: the caller verified from its assertion (no assertion, no call),
 * domain errors to status codes, unexpected errors logged and answered INTERNAL without their text.
 */
function adapt(handler: ServiceRegistration['handlers'][string], verifier: CallerVerifier, logger: Logger) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
    const credentials = credentialsFromMetadata(call.metadata);
    const deadlineMs = deadlineOf(call);
    verifier
      .verify(credentials.assertion)
      .then((caller) => handler(call.request as never, { caller, credentials, deadlineMs }))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          if (!(err instanceof DomainError)) logger.error({ err, method: call.getPath() }, 'unhandled error in gRPC handler');
          callback(toServiceError(err));
        },
      );
  };
}

export interface GrpcServer {
  server: Server;
  health: HealthImplementation;
  /** Binds and starts; resolves with the bound port (useful with port 0). */
  listen(address: string): Promise<number>;
  /** Marks NOT_SERVING, drains in-flight calls, then forces after the grace period. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface GrpcServerOptions {
  verifier: CallerVerifier;
  logger: Logger;
  /** Replace some channel options (tests shorten the connection age). */
  overrides?: Record<string, number>;
}

/** Options of every server; `overrides` replace some. */
export function createGrpcServer(services: ServiceRegistration[], { verifier, logger, overrides = {} }: GrpcServerOptions): GrpcServer {
  const server = new Server({
    // Member imports carry their file (up to 32 MiB at the gateway).
    'grpc.max_receive_message_length': 48 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    // Clients reconnect every few minutes, so new replicas (an HPA scaling out) get traffic.
    'grpc.max_connection_age_ms': 5 * 60_000,
    // The grace outlasts the longest call the gateway makes (a province's dues billing, 10 min),
    // so a connection that ages out never cuts a call in flight.
    'grpc.max_connection_age_grace_ms': 11 * 60_000,
    ...overrides,
  });
  const statusMap: Record<string, 'SERVING' | 'NOT_SERVING'> = { '': 'SERVING' };
  for (const service of services) {
    const implementation: UntypedServiceImplementation = {};
    for (const method of Object.keys(service.definition)) {
      const handler = service.handlers[method];
      if (!handler) throw new Error(`${service.name}: no handler for ${method}`);
      implementation[method] = adapt(handler, verifier, logger);
    }
    server.addService(service.definition, implementation);
    statusMap[service.name] = 'SERVING';
  }
  const health = new HealthImplementation(statusMap);
  health.addToServer(server);

  return {
    server,
    health,
    listen(address) {
      return new Promise((resolve, reject) => {
        server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
      });
    },
    async shutdown(graceMs = 10_000) {
      for (const name of Object.keys(statusMap)) health.setStatus(name, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
