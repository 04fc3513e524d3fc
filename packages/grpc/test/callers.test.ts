/**
 * A service verifies who calls it: a real server and client on loopback, calls with no
 * assertion, a forged one, plain identity metadata as an attacker would send, and a genuine one.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AssertionSigner, AssertionVerifier, generateAssertionKeys } from '@repo/access';
import { createLogger } from '@repo/logging';
import { createGrpcServer, fromServiceError, isServing, RpcClient, type CallContext, type GrpcServer } from '../src';

const echo = {
  whoAmI: {
    path: '/test.Echo/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} as const;

const keys = generateAssertionKeys();
let server: GrpcServer;
let client: RpcClient<typeof echo>;
let address: string;

beforeAll(async () => {
  const handlers = { whoAmI: async (_request: Buffer, context: CallContext) => Buffer.from(JSON.stringify(context.caller)) };
  server = createGrpcServer([{ name: 'test.Echo', definition: echo, handlers }], {
    verifier: new AssertionVerifier([keys.publicKeyPem]),
    logger: createLogger('callers-test', 'silent'),
  });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  client = new RpcClient(echo, address);
});

afterAll(async () => {
  client.close();
  await server.shutdown(1_000);
});

async function refused(call: Promise<unknown>): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: ServiceError) => e,
  );
  expect(err?.code).toBe(status.UNAUTHENTICATED);
  expect(fromServiceError(err!)).toMatchObject({ httpStatus: 401, code: 'CALLER_UNVERIFIED' });
}

test('a genuine assertion reaches the handler as the caller', async () => {
  const caller = { userId: 'u1', roles: ['orgAdmin'], orgPath: '/1/' };
  const assertion = await new AssertionSigner(keys.privateKeyPem, 'gateway').sign(caller);
  expect(JSON.parse((await client.call('whoAmI', Buffer.alloc(0), { assertion })).toString())).toEqual(caller);
});

test('no assertion, or one signed with another key, is refused', async () => {
  await refused(client.call('whoAmI', Buffer.alloc(0), { assertion: '' }));
  const foreign = await new AssertionSigner(generateAssertionKeys().privateKeyPem, 'gateway').sign({
    userId: 'u1',
    roles: ['superAdmin'],
    orgPath: '/',
  });
  await refused(client.call('whoAmI', Buffer.alloc(0), { assertion: foreign }));
});

test('plain identity metadata, as services once trusted, is refused', async () => {
  const raw = new Client(address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('x-user-id', 'attacker');
  metadata.set('x-user-roles', 'superAdmin');
  metadata.set('x-org-path', '/');
  try {
    await refused(
      new Promise((resolve, reject) =>
        raw.makeUnaryRequest(
          echo.whoAmI.path,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          metadata,
          {},
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      ),
    );
  } finally {
    raw.close();
  }
});

test('health answers without a caller', async () => {
  expect(await isServing(address)).toBe(true);
  expect(await isServing(address, 'test.Echo')).toBe(true);
});
