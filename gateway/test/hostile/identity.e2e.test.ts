/**
 * Forged identity, on the real platform. Straight over gRPC, as any pod in the cluster could
 * call a service: every RPC of every service of the platform's list refuses every forgery —
 * no assertion, plain identity metadata, another key, an expired assertion, `alg: none`, HS256
 * keyed with the public key, an edited payload, the wrong audience or type, a user's access
 * token in its place — with UNAUTHENTICATED CALLER_UNVERIFIED. Through REST, forged and edited
 * access tokens answer 401, and identity headers a browser could send are ignored. Nothing any
 * of them sent was written: every collection of the platform's database keeps its count.
 */
import { createHmac, createPrivateKey, sign as signBytes } from 'node:crypto';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AssertionSigner, assertionAudience, generateAssertionKeys } from '@repo/access';
import { errorInfoKey, type Definition } from '@repo/grpc';
import { platformServices } from '@repo/platform';
import { ErrorInfo } from '@repo/proto/common/v1';
import { testAccessToken, testCallerKeys } from '@repo/testbed';
import { startPlatform, tokenSecret, type Platform } from '../support';
import { documentDraft, expectRefused, send, settled, storeCounts, superAdmin } from './hostile';

jest.setTimeout(180_000);

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
  // A draft, so that a forged read that worked would have something to leak.
  expect((await send(platform, 'POST', '/api/v1/documents', { headers: superAdmin, body: documentDraft() })).status).toBe(201);
  await settled(platform);
});

afterAll(async () => {
  await platform?.stop();
});

// ---------------------------------------------------------------------------------------------
// Assertions as an attacker makes them.
// ---------------------------------------------------------------------------------------------
const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (overrides: Record<string, unknown> = {}) => {
  const iat = Math.floor(Date.now() / 1000);
  return { uid: 'attacker', roles: ['superAdmin'], org: '/', iss: 'gateway', aud: assertionAudience, iat, exp: iat + 60, ...overrides };
};
/** A compact JWS signed with Ed25519 by `privateKeyPem` (the trusted key unless told otherwise). */
function ed25519Jws(header: object, payload: object, privateKeyPem = testCallerKeys.privateKeyPem): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${signBytes(null, Buffer.from(input), createPrivateKey(privateKeyPem)).toString('base64url')}`;
}
const edHeader = { alg: 'EdDSA', typ: 'caller+jwt' };

async function forgeries(): Promise<[string, Metadata][]> {
  const withAssertion = (assertion: string) => {
    const metadata = new Metadata();
    metadata.set('x-caller-assertion', assertion);
    return metadata;
  };
  const plainIdentity = (assertion?: string) => {
    const metadata = new Metadata();
    metadata.set('x-user-id', 'attacker');
    metadata.set('x-user-roles', 'superAdmin');
    metadata.set('x-org-path', '/');
    if (assertion !== undefined) metadata.set('x-caller-assertion', assertion);
    return metadata;
  };
  const foreign = await new AssertionSigner(generateAssertionKeys().privateKeyPem, 'gateway').sign({
    userId: 'attacker',
    roles: ['superAdmin'],
    orgPath: '/',
  });
  const expired = await new AssertionSigner(testCallerKeys.privateKeyPem, 'gateway', () => Date.now() - 10 * 60_000).sign({
    userId: 'attacker',
    roles: ['superAdmin'],
    orgPath: '/',
  });
  const genuinePublic = await new AssertionSigner(testCallerKeys.privateKeyPem, 'gateway').sign({ userId: '', roles: [], orgPath: '' });
  const [header, , signature] = genuinePublic.split('.');
  const edited = `${header}.${segment(claims())}.${signature}`;
  const none = `${segment({ alg: 'none', typ: 'caller+jwt' })}.${segment(claims())}.`;
  const hsInput = `${segment({ alg: 'HS256', typ: 'caller+jwt' })}.${segment(claims())}`;
  const confused = `${hsInput}.${createHmac('sha256', testCallerKeys.publicKeyPem).update(hsInput).digest('base64url')}`;
  return [
    ['no assertion', new Metadata()],
    ['plain x-user-* metadata', plainIdentity()],
    ['plain metadata beside an empty assertion', plainIdentity('')],
    ['an assertion signed by a foreign key', withAssertion(foreign)],
    ['an expired assertion', withAssertion(expired)],
    ['a genuine public assertion with its payload edited to a superAdmin', withAssertion(edited)],
    ['alg: none', withAssertion(none)],
    ['HS256 keyed with the public key', withAssertion(confused)],
    ['the trusted key, another audience', withAssertion(ed25519Jws(edHeader, claims({ aud: 'partybuilding-api' })))],
    ['the trusted key, another type', withAssertion(ed25519Jws({ alg: 'EdDSA', typ: 'JWT' }, claims()))],
    [
      'the trusted key, valid for a year, issued two minutes ago',
      withAssertion(
        ed25519Jws(edHeader, claims({ iat: Math.floor(Date.now() / 1000) - 120, exp: Math.floor(Date.now() / 1000) + 365 * 86_400 })),
      ),
    ],
    [
      'the trusted key, issued an hour from now',
      withAssertion(
        ed25519Jws(edHeader, claims({ iat: Math.floor(Date.now() / 1000) + 3_600, exp: Math.floor(Date.now() / 1000) + 3_660 })),
      ),
    ],
    [
      'a user access token in its place',
      withAssertion(testAccessToken({ userId: 'attacker', roles: ['superAdmin'], orgPath: '/' }, tokenSecret)),
    ],
    ['5,000 characters of padding', withAssertion(`${genuinePublic}.${'A'.repeat(5_000)}`)],
  ];
}

/** Every RPC of a service, from its generated definitions in @repo/proto/<service>/v1. */
function rpcsOf(service: string): { path: string; definition: Definition[string] }[] {
  const module = require(`@repo/proto/${service}/v1`) as Record<string, unknown>;
  return Object.entries(module)
    .filter(([name, value]) => name.endsWith('ServiceService') && typeof value === 'object')
    .flatMap(([, definition]) => Object.values(definition as Definition).map((rpc) => ({ path: rpc.path, definition: rpc })));
}

/** One call with `metadata`, its request the method's default message (every field at its zero value). */
function callRaw(client: Client, rpc: Definition[string], metadata: Metadata): Promise<ServiceError | null> {
  const request = rpc.requestDeserialize(Buffer.alloc(0));
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      rpc.path,
      rpc.requestSerialize,
      (bytes: Buffer) => bytes,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err) => resolve(err),
    ),
  );
}

const errorCode = (err: ServiceError | null) => {
  const raw = err?.metadata?.get(errorInfoKey)[0];
  return Buffer.isBuffer(raw) ? ErrorInfo.decode(raw).code : undefined;
};

describe('straight over gRPC', () => {
  test.each(platformServices.map((s) => s.name))('every RPC of %s refuses every forged caller, and nothing is written', async (service) => {
    const before = await storeCounts(platform);
    const client = new Client(platform.grpcAddresses[service]!, credentials.createInsecure());
    try {
      const rpcs = rpcsOf(service);
      expect(rpcs.length).toBeGreaterThan(0);
      const answers: string[] = [];
      for (const [forgery, metadata] of await forgeries()) {
        for (const rpc of rpcs) {
          const err = await callRaw(client, rpc.definition, metadata);
          answers.push(`${rpc.path} with ${forgery}: ${err ? `${status[err.code]} ${errorCode(err)}` : 'OK'}`);
        }
      }
      // Listed whole, so one failure names every call that got through.
      expect(answers.filter((a) => !a.endsWith(': UNAUTHENTICATED CALLER_UNVERIFIED'))).toEqual([]);
    } finally {
      client.close();
    }
    expect(await storeCounts(platform)).toEqual(before);
  });
});

describe('through REST', () => {
  const identity = { userId: 'hostile-editor', roles: ['orgAdmin'], orgPath: '/1/' };
  const token = testAccessToken(identity, tokenSecret);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const editedPayload = segment({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['superAdmin'], org: '/' });

  test.each([
    ['roles edited, signature kept', `${header}.${editedPayload}.${signature}`, 'AUTH_TOKEN_INVALID'],
    ['alg: none', `${segment({ alg: 'none', typ: 'JWT' })}.${editedPayload}.`, 'AUTH_TOKEN_INVALID'],
    [
      'HS512 with the right secret',
      (() => {
        const input = `${segment({ alg: 'HS512', typ: 'JWT' })}.${payload}`;
        return `${input}.${createHmac('sha512', tokenSecret).update(input).digest('base64url')}`;
      })(),
      'AUTH_TOKEN_INVALID',
    ],
    ['signed with another secret', testAccessToken(identity, `${tokenSecret}-other`), 'AUTH_TOKEN_INVALID'],
    ['expired', testAccessToken(identity, tokenSecret, 60, new Date(Date.now() - 3_600_000)), 'AUTH_TOKEN_EXPIRED'],
    [
      'valid for a year, issued 20 minutes ago (past the longest lifetime)',
      testAccessToken(identity, tokenSecret, 365 * 86_400, new Date(Date.now() - 20 * 60_000)),
      'AUTH_TOKEN_EXPIRED',
    ],
    ['a caller assertion in its place', ed25519Jws(edHeader, claims()), 'AUTH_TOKEN_INVALID'],
  ])('an access token %s answers 401 and writes nothing', async (_what, forged, code) => {
    const before = await storeCounts(platform);
    const answer = await send(platform, 'POST', '/api/v1/documents', {
      headers: { authorization: `Bearer ${forged}` },
      body: documentDraft(),
    });
    expectRefused(answer, 401, code);
    expect(await storeCounts(platform)).toEqual(before);
  });

  test('identity headers from the client are ignored: without a token the caller is the public', async () => {
    const before = await storeCounts(platform);
    const assertion = await new AssertionSigner(testCallerKeys.privateKeyPem, 'gateway').sign({
      userId: 'attacker',
      roles: ['superAdmin'],
      orgPath: '/',
    });
    const headers = { 'x-user-id': 'attacker', 'x-user-roles': 'superAdmin', 'x-org-path': '/', 'x-caller-assertion': assertion };
    expectRefused(await send(platform, 'POST', '/api/v1/documents', { headers, body: documentDraft() }), 401, 'AUTH_REQUIRED');
    const listed = await send(platform, 'GET', '/api/v1/documents?status=draft', { headers });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(0);
    expect(await storeCounts(platform)).toEqual(before);
  });
});
