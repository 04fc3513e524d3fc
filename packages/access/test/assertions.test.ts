import { createPrivateKey, sign as signRaw } from 'node:crypto';
import { DomainError } from '@repo/errors';
import { AssertionSigner, AssertionVerifier, generateAssertionKeys } from '../src';

const keys = generateAssertionKeys();
const other = generateAssertionKeys();
const secretary = { userId: 'u7', roles: ['secretary'], orgPath: '/a1/b7/' };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) {
      expect(err.kind).toBe('unauthenticated');
      expect(err.code).toBe('CALLER_UNVERIFIED');
      return err.message;
    }
    throw err;
  }
  throw new Error('expected the assertion to be refused');
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function handSigned(header: object, payload: object, privateKeyPem = keys.privateKeyPem): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signRaw(null, Buffer.from(input), createPrivateKey(privateKeyPem)).toString('base64url')}`;
}

describe('caller assertions', () => {
  test('what the gateway signs, a service verifies', async () => {
    const assertion = await new AssertionSigner(keys.privateKeyPem, 'gateway').sign(secretary);
    expect(await new AssertionVerifier([keys.publicKeyPem]).verify(assertion)).toEqual(secretary);
  });

  test('the public is a caller too, with no roles and no node whatever was signed', async () => {
    const signer = new AssertionSigner(keys.privateKeyPem, 'gateway');
    const verifier = new AssertionVerifier([keys.publicKeyPem]);
    expect(await verifier.verify(await signer.sign({ userId: '', roles: [], orgPath: '' }))).toEqual({
      userId: '',
      roles: [],
      orgPath: '',
    });
    expect(await verifier.verify(await signer.sign({ userId: '', roles: ['superAdmin'], orgPath: '/' }))).toEqual({
      userId: '',
      roles: [],
      orgPath: '',
    });
  });

  test('no assertion, another key, or a tampered one is refused', async () => {
    const verifier = new AssertionVerifier([keys.publicKeyPem]);
    expect(await refusal(verifier.verify(undefined))).toMatch(/missing/);
    expect(await refusal(verifier.verify(''))).toMatch(/missing/);
    const foreign = await new AssertionSigner(other.privateKeyPem, 'gateway').sign(secretary);
    expect(await refusal(verifier.verify(foreign))).toMatch(/trusted key/);
    const genuine = await new AssertionSigner(keys.privateKeyPem, 'gateway').sign(secretary);
    const [header, , signature] = genuine.split('.');
    const forged = `${header}.${b64({ uid: 'u7', roles: ['superAdmin'], org: '/', iss: 'gateway', aud: 'partybuilding-services', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 })}.${signature}`;
    await refusal(verifier.verify(forged));
    await refusal(verifier.verify('x'.repeat(5000)));
  });

  test('an expired assertion, one for another audience and one living too long are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = new AssertionVerifier([keys.publicKeyPem]);
    const header = { alg: 'EdDSA', typ: 'caller+jwt' };
    const claims = { uid: 'u7', roles: ['secretary'], org: '/a1/b7/', iss: 'gateway', aud: 'partybuilding-services' };
    expect(await verifier.verify(handSigned(header, { ...claims, iat: now, exp: now + 60 }))).toEqual(secretary);
    expect(await refusal(verifier.verify(handSigned(header, { ...claims, iat: now - 120, exp: now - 60 })))).toMatch(/expired/);
    await refusal(verifier.verify(handSigned(header, { ...claims, aud: 'partybuilding-api', iat: now, exp: now + 60 })));
    await refusal(verifier.verify(handSigned(header, { ...claims, iat: now - 3_600, exp: now + 86_400 })));
    // An access token is not an assertion, even signed with the right key.
    await refusal(verifier.verify(handSigned({ alg: 'EdDSA', typ: 'JWT' }, { ...claims, iat: now, exp: now + 60 })));
    await refusal(verifier.verify(handSigned({ alg: 'none', typ: 'caller+jwt' }, { ...claims, iat: now, exp: now + 60 })));
  });

  test('while keys rotate, assertions of the old and the new key are both trusted', async () => {
    const verifier = new AssertionVerifier([keys.publicKeyPem, other.publicKeyPem]);
    for (const pem of [keys.privateKeyPem, other.privateKeyPem]) {
      expect(await verifier.verify(await new AssertionSigner(pem, 'gateway').sign(secretary))).toEqual(secretary);
    }
  });

  test('a signer reuses an assertion for half its life, then signs a new one', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const signer = new AssertionSigner(keys.privateKeyPem, 'gateway', () => now);
    const first = await signer.sign(secretary);
    now += 20_000;
    expect(await signer.sign(secretary)).toBe(first);
    now += 15_000;
    expect(await signer.sign(secretary)).not.toBe(first);
  });

  test('keys of the wrong kind are configuration errors', () => {
    expect(() => new AssertionVerifier([])).toThrow(RangeError);
    expect(() => new AssertionSigner(keys.publicKeyPem, 'gateway')).toThrow();
  });
});
