/**
 * A call outlives the connection it started on: the server ages connections out (GOAWAY) every
 * few minutes, and calls such as a member import or a month's billing run longer than the rest
 * of a connection's life. Real server and client on loopback, with the project's options.
 */
import { AssertionSigner, AssertionVerifier, generateAssertionKeys } from '@repo/access';
import { createLogger } from '@repo/logging';
import { clientOptions, createGrpcServer, RpcClient, type GrpcServer } from '../src';

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
  const keys = generateAssertionKeys();
  const handlers = { slow: () => new Promise<Buffer>((resolve) => setTimeout(() => resolve(Buffer.from('done')), callMs)) };
  server = createGrpcServer([{ name: 'test.Slow', definition: slowCall, handlers }], {
    verifier: new AssertionVerifier([keys.publicKeyPem]),
    logger: createLogger('connection-age-test', 'silent'),
    overrides: { 'grpc.max_connection_age_ms': 500, 'grpc.max_connection_age_grace_ms': callMs + 10_000 },
  });
  const port = await server.listen('127.0.0.1:0');
  const client = new RpcClient(slowCall, `127.0.0.1:${port}`, callMs + 10_000);
  try {
    const assertion = await new AssertionSigner(keys.privateKeyPem, 'test').sign({ userId: '', roles: [], orgPath: '' });
    const answer = await client.call('slow', Buffer.from('go'), { assertion });
    expect(answer.toString()).toBe('done');
  } finally {
    client.close();
  }
});
