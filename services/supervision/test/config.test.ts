/** The service's variables: what it assumes when they are unset, and what it refuses at start. */
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@repo/config';
import { testCallerKeys } from '@repo/testbed';
import { loadConfig } from '../src/config';

const base = { CALLER_VERIFY_KEYS: testCallerKeys.publicKeyPem };

test('unset, it listens on its port of the platform list, keeps its own database, and hashes with SHA-256', () => {
  const config = loadConfig(base);
  expect(config.SUPERVISION_GRPC_ADDR).toBe('127.0.0.1:50055');
  // Not the content service's database (commonShape's default): each service has its own.
  expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017/partybuilding-supervision');
  expect(config.AUDIT_LOG_HASH).toBe('sha256');
  expect(config.AUDIT_LOG_SIGNING_KEY).toBeUndefined();
  expect(config.warningRules.length).toBeGreaterThan(0);
});

test('a log or witness name that a signed note cannot carry, an unknown hash or a key that is not Ed25519 stops the start', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  for (const [variable, value] of [
    ['AUDIT_LOG_NAME', 'audit log'],
    ['AUDIT_WITNESS_NAME', 'witness+1'],
    ['AUDIT_LOG_HASH', 'md5'],
    ['AUDIT_LOG_SIGNING_KEY', rsa],
    ['AUDIT_WITNESS_KEY', 'not a key'],
    ['AUDIT_CHECKPOINT_INTERVAL_MS', '10'],
  ]) {
    expect(() => loadConfig({ ...base, [variable!]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [variable!]: value })).toThrow(new RegExp(variable!));
  }
  expect(loadConfig({ ...base, AUDIT_LOG_HASH: 'sm3' }).AUDIT_LOG_HASH).toBe('sm3');
});
