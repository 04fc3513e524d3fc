/**
 * Signing keys when the configuration gives none: made once and kept in the store, so a local
 * platform's checkpoints stay verifiable across restarts. Development only: whoever can read the
 * store then holds the keys, and a witness whose key sits beside the log witnesses nothing. In
 * production AUDIT_LOG_SIGNING_KEY and AUDIT_WITNESS_KEY come from Secrets (the witness's from
 * the organisation above), and the service warns at start whenever it falls back to these.
 */
import { generateKeyPairSync } from 'node:crypto';
import { isDuplicateKey, type Connection } from '@repo/db';

interface KeyDoc {
  _id: 'log' | 'witness';
  privateKeyPem: string;
  createdAt: string;
}

export async function storedSigningKey(connection: Connection, which: KeyDoc['_id']): Promise<string> {
  const keys = connection.db!.collection<KeyDoc>('auditDevelopmentKeys');
  const existing = await keys.findOne({ _id: which });
  if (existing) return existing.privateKeyPem;
  const privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    await keys.insertOne({ _id: which, privateKeyPem, createdAt: new Date().toISOString() });
    return privateKeyPem;
  } catch (err) {
    // Another replica made it first: use theirs.
    if (!isDuplicateKey(err)) throw err;
    return (await keys.findOne({ _id: which }))!.privateKeyPem;
  }
}
