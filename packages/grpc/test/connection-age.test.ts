/**
 * A call outlives the connection it started on: the server ages connections out (GOAWAY) every
 * few minutes, and calls such as a member import or a month's billing run longer than the rest
 * of a connection's life. Real server and client on loopback, with the project's options.
 */
import { makeGenericClientConstructor, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { clientOptions, createClient, createGrpcServer, type GrpcServer } from '../src';

const slowCall = {
  slow: {
    path: '/test.Slow/Slow',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} as const;

// Longer than a keepalive interval, if the client options ever set one again: the first ping
// after the server's GOAWAY is what cut calls.
const callMs = Number(clientOptions['grpc.keepalive_time_ms'] ?? 0) + 2_500;
jest.setTimeout(callMs + 15_000);

let server: GrpcServer;

afterAll(async () => {
  await server?.shutdown(1_000);
});

test('a call still running when its connection ages out completes', async () => {
  const implementation: UntypedServiceImplementation = {
    slow: (_call: unknown, callback: (err: null, response: Buffer) => void) => void setTimeout(() => callback(null, Buffer.from('done')), callMs),
  };
  server = createGrpcServer([{ name: 'test.Slow', definition: slowCall, implementation }], {
    'grpc.max_connection_age_ms': 500,
    'grpc.max_connection_age_grace_ms': callMs + 10_000,
  });
  const port = await server.listen('127.0.0.1:0');
  const Client = makeGenericClientConstructor(slowCall, 'Slow');
  const client = createClient(Client, `127.0.0.1:${port}`);
  try {
    const answer = await new Promise<Buffer>((resolve, reject) => {
      (client as unknown as { slow: (req: Buffer, cb: (err: ServiceError | null, res: Buffer) => void) => void }).slow(Buffer.from('go'), (err, res) => (err ? reject(err) : resolve(res)));
    });
    expect(answer.toString()).toBe('done');
  } finally {
    client.close();
  }
});
