import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { credentialsToMetadata, type CallCredentials } from './identity';
import type { Definition, RequestOf, ResponseOf } from './server';

export const defaultDeadlineMs = 5_000;

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
  // Replies larger than this are refused by the client (REPLY_TOO_LARGE at the gateway).
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
};

export function createClient<C extends Client>(Ctor: ClientConstructor<C>, address: string): C {
  return new Ctor(address, credentials.createInsecure(), clientOptions);
}

/**
 * The one client shape: every unary RPC of a service definition as a promise, always with a
 * deadline and the caller's credentials. Clients of one address share grpc-js's channel.
 */
export class RpcClient<D extends Definition> {
  private readonly client: Client;

  constructor(
    private readonly definition: D,
    readonly address: string,
    private readonly deadlineMs = defaultDeadlineMs,
  ) {
    this.client = new Client(address, credentials.createInsecure(), clientOptions);
  }

  call<K extends keyof D & string>(
    method: K,
    request: RequestOf<D[K]>,
    credentials: CallCredentials,
    deadlineMs = this.deadlineMs,
  ): Promise<ResponseOf<D[K]>> {
    const rpc = this.definition[method]!;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        rpc.path,
        rpc.requestSerialize as (value: RequestOf<D[K]>) => Buffer,
        rpc.responseDeserialize as (bytes: Buffer) => ResponseOf<D[K]>,
        request,
        credentialsToMetadata(credentials),
        { deadline: Date.now() + deadlineMs },
        (err: ServiceError | null, response?: ResponseOf<D[K]>) => (err ? reject(err) : resolve(response as ResponseOf<D[K]>)),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
