/**
 * The local platform's audit-log keys: Ed25519 private keys (PKCS#8 PEM) in `.local/`, made on
 * first use so `npm start`'s checkpoints stay verifiable across restarts and a wiped database.
 * Development only: in production the log's key and the witness's (held by the organisation
 * above) come from Secrets of their own.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths';

/** The variables the supervision service reads them from, and their files under `.local/`. */
export const localAuditKeyFiles = {
  AUDIT_LOG_SIGNING_KEY: 'audit-log-signing.key',
  AUDIT_WITNESS_KEY: 'audit-witness.key',
} as const;

export type LocalAuditKey = keyof typeof localAuditKeyFiles;

export function localAuditKey(variable: LocalAuditKey): string {
  const file = join(repoRoot(), '.local', localAuditKeyFiles[variable]);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // `wx`: two starts at once keep the first key rather than each writing its own.
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8');
}
