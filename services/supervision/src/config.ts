import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, env, loadConfig as load, serviceShape, z } from '@repo/config';
import { hashNames } from './domain/merkle';
import { parseWarningRules, type WarningRule } from './domain/warning-rules';

/** A key name in a signed note: no spaces, no "+" (c2sp.org/signed-note). */
const keyName = (fallback: string) =>
  z
    .string()
    .regex(/^[^\s+]+$/u, 'a name without spaces or "+", e.g. audit.example.gov.cn/supervision')
    .default(fallback);

export const supervisionConfigShape = {
  ...serviceShape,
  /** Its own database, as every service has; the audit log's entries, tiles and checkpoints live here. */
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/partybuilding-supervision'),
  SUPERVISION_GRPC_ADDR: env.address('127.0.0.1:50055'),
  /** The log's name: its checkpoints' origin is this name and the hash, e.g. …/supervision/sha256. */
  AUDIT_LOG_NAME: keyName('audit.partybuilding.local/supervision'),
  /** The log's hash, fixed for its life: a log started on one cannot go on with the other. */
  AUDIT_LOG_HASH: z.enum(hashNames).default('sha256'),
  /** Ed25519 private key (PEM) the log signs checkpoints with; a Secret in production. */
  AUDIT_LOG_SIGNING_KEY: env.ed25519PrivateKey().optional(),
  /** The witness's name (the organisation above, 上级纪委) in its cosignatures. */
  AUDIT_WITNESS_NAME: keyName('witness.partybuilding.local/higher-commission'),
  /** Ed25519 private key (PEM) of the witness; held by the organisation above in production. */
  AUDIT_WITNESS_KEY: env.ed25519PrivateKey().optional(),
  /** Sign a checkpoint this often (sooner once 8,192 entries wait): an appended entry is in a signed checkpoint within it. */
  AUDIT_CHECKPOINT_INTERVAL_MS: env.int(500, 50, 60_000),
  /** How often the witness looks for a new checkpoint to cosign. */
  AUDIT_WITNESS_INTERVAL_MS: env.int(2_000, 100, 600_000),
  /** How long the appending replica's lease lasts without renewal: the longest pause before another takes over. */
  AUDIT_SEQUENCER_LEASE_MS: env.int(15_000, 1_000, 300_000),
  /** The early-warning rules (JSON); the service's dict/warning-rules.json when unset. */
  WARNING_RULES_FILE: z.string().optional(),
};

export type SupervisionConfig = ReturnType<typeof loadConfig>;

/** The variables, and the warning rules the file names (read and checked at start too). */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = load(supervisionConfigShape, source);
  return { ...config, warningRules: loadWarningRules(config.WARNING_RULES_FILE) };
}

/** The warning rules that ship with the service (dict/ travels with the image, next to dist/). */
export const defaultRulesFile = join(__dirname, '..', 'dict', 'warning-rules.json');

/** The warning rules the configuration names; a bad file stops the service naming the rule and field. */
export function loadWarningRules(file: string = defaultRulesFile): WarningRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`WARNING_RULES_FILE: cannot read ${file} as JSON: ${(err as Error).message}`]);
  }
  try {
    return parseWarningRules(parsed);
  } catch (err) {
    throw new ConfigError([`WARNING_RULES_FILE: ${(err as Error).message}`]);
  }
}
