// Shared by `npm start`, `npm test` and `npm run seed`: install what is missing, run commands, start the stack.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The order of deploy/local (stop.sh stops FerretDB before PostgreSQL whatever the order given).
export const stackComponents = ['postgres', 'ferretdb', 'elasticsearch', 'nats'];

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

export function log(message) {
  console.log(`\x1b[1m[platform]\x1b[0m ${message}`);
}

/** Runs a command in the repository root, inheriting the terminal; returns its exit code. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...env, ...options.env } });
  return result.status ?? 1;
}

export function runOrExit(command, args, options = {}) {
  const code = run(command, args, options);
  if (code !== 0) {
    console.error(`[platform] ${command} ${args.join(' ')} failed (exit ${code})`);
    process.exit(code);
  }
}

/** npm install when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const marker = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies (npm ci)');
  runOrExit('npm', ['ci', '--no-audit', '--no-fund']);
}

export function build() {
  log('building (turbo; cached when nothing changed)');
  runOrExit('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
}

/** Which stack components are running now. */
export function runningComponents() {
  return stackComponents.filter((c) => spawnSync('bash', [join(root, 'deploy/local/status.sh'), c], { stdio: 'ignore' }).status === 0);
}

export function startStack() {
  const before = runningComponents();
  log('starting the local stack (PostgreSQL, FerretDB, Elasticsearch, NATS JetStream)');
  runOrExit('bash', ['deploy/local/start.sh']);
  return stackComponents.filter((c) => !before.includes(c));
}

export function stopStack(components) {
  if (components.length === 0) return;
  log(`stopping ${components.join(', ')}`);
  run('bash', ['deploy/local/stop.sh', ...components]);
}

/** Starts a long-running child with its output prefixed by its name. */
export function startProcess(name, command, args, extraEnv) {
  const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[36m${name.padEnd(8)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  return child;
}
