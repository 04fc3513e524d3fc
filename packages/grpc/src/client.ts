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

export function createClient<C extends Client>(Ctor: ClientConstructor<C>, address: string): C {
  return new Ctor(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    // Retry transient UNAVAILABLE on connection churn; handlers stay idempotent where it matters.
    'grpc.enable_retries': 1,
    // Spread calls over every address the name resolves to (all pods behind a headless Service).
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
}
