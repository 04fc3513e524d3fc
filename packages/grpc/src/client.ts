import {
  credentials,
  type CallOptions,
  type Client,
  type ClientUnaryCall,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { identityToMetadata, type Identity } from './identity';

export const defaultDeadlineMs = 5_000;

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/**
 * Calls a ts-proto grpc-js client method as a promise, always with a deadline and the caller's
 * identity in metadata.
 */
export function callUnary<Req, Res>(
  client: Client,
  method: UnaryMethod<Req, Res>,
  request: Req,
  identity: Partial<Identity> = {},
  deadlineMs = defaultDeadlineMs,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(
      client,
      request,
      identityToMetadata(identity),
      { deadline: new Date(Date.now() + deadlineMs) },
      (err, response) => (err ? reject(err) : resolve(response)),
    );
  });
}

export type ClientConstructor<C extends Client> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: Record<string, unknown>,
) => C;

/**
 * Channel options of every client. No keepalive pings: grpc-js drops a call still in flight
 * ("14 UNAVAILABLE: Connection dropped") at the first ping after the server's max-connection-age
 * GOAWAY, which our servers send every few minutes (seen cutting a 50 s member import); that
 * connection age also replaces connections that died silently.
 */
export const clientOptions: Record<string, string | number> = {
  // Retry transient UNAVAILABLE on connection churn; handlers stay idempotent where it matters.
  'grpc.enable_retries': 1,
  // Spread calls over every address the name resolves to (all pods behind a headless Service).
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
};

export function createClient<C extends Client>(Ctor: ClientConstructor<C>, address: string): C {
  return new Ctor(address, credentials.createInsecure(), clientOptions);
}
