import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { DomainError } from '@repo/errors';
import type { Logger } from '@repo/logging';
import { HealthImplementation } from 'grpc-health-check';
import { identityFromMetadata, type Identity } from './identity';
import { toServiceError } from './status';

export interface CallContext {
  identity: Identity;
  /** Time left before the caller's deadline, in ms (Infinity when none was set). */
  deadlineMs: number;
}

export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;

/**
 * Adapts an async handler to grpc-js: identity from metadata, domain errors to status codes,
 * unexpected errors logged and answered as INTERNAL without leaking their text.
 */
export function unary<Req, Res>(logger: Logger, handler: UnaryHandler<Req, Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const deadline = call.getDeadline();
    const deadlineMs =
      deadline instanceof Date
        ? deadline.getTime() - Date.now()
        : Number.isFinite(deadline)
          ? Number(deadline) - Date.now()
          : Infinity;
    const context: CallContext = { identity: identityFromMetadata(call.metadata), deadlineMs };
    handler(call.request, context).then(
      (response) => callback(null, response),
      (err: unknown) => {
        if (!(err instanceof DomainError)) {
          logger.error({ err, method: call.getPath() }, 'unhandled error in gRPC handler');
        }
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

export interface ServiceRegistration {
  /** Fully qualified name for health checks, e.g. content.v1.ContentService. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** Options of every server; `overrides` replace some (tests shorten the connection age). */
export function createGrpcServer(services: ServiceRegistration[], overrides: Record<string, number> = {}): GrpcServer {
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
    server.addService(service.definition, service.implementation);
    statusMap[service.name] = 'SERVING';
  }
  const health = new HealthImplementation(statusMap);
  health.addToServer(server);

  return {
    server,
    health,
    listen(address) {
      return new Promise((resolve, reject) => {
        server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) =>
          err ? reject(err) : resolve(port),
        );
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
