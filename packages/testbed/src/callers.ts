/**
 * Caller assertions for tests, benchmarks and the local platform: a key pair, and credentials
 * for calling a service directly over gRPC as a given caller, as the gateway would.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AssertionSigner, generateAssertionKeys, type AssertionKeys, type Caller } from '@repo/access';
import { repoRoot } from './paths';

/** One key pair per test process: services built by its tests trust it (stackEnv). */
export const testCallerKeys: AssertionKeys = generateAssertionKeys();

const signer = new AssertionSigner(testCallerKeys.privateKeyPem, 'testbed');

/** Credentials of a call made as `caller` (the public when omitted). */
export async function credentialsFor(caller: Partial<Caller> = {}): Promise<{ assertion: string; requestId: string }> {
  const assertion = await signer.sign({ userId: caller.userId ?? '', roles: caller.roles ?? [], orgPath: caller.orgPath ?? '' });
  return { assertion, requestId: 'testbed' };
}

/**
 * The local platform's key pair: `.local/caller-assertion.key` and `.pub`, created on first use,
 * so `npm start`'s gateway and services agree across restarts.
 */
export function localCallerKeys(): AssertionKeys {
  const dir = join(repoRoot(), '.local');
  const privateFile = join(dir, 'caller-assertion.key');
  const publicFile = join(dir, 'caller-assertion.pub');
  if (!existsSync(privateFile) || !existsSync(publicFile)) {
    mkdirSync(dirname(privateFile), { recursive: true });
    const keys = generateAssertionKeys();
    writeFileSync(privateFile, keys.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicFile, keys.publicKeyPem);
  }
  return { privateKeyPem: readFileSync(privateFile, 'utf8'), publicKeyPem: readFileSync(publicFile, 'utf8') };
}
