// `npm start`: the whole platform on this machine: local stack, every service of the platform's
// list, the gateway. A service that crashes is restarted with a backoff, as Kubernetes would;
// Ctrl-C stops every process it started. `npm start -- --seed` also loads the demo corpus.
import { setTimeout as sleep } from 'node:timers/promises';
import { build, ensureDependencies, log, root, run, startProcess, startStack, stopStack } from './lib.mjs';

const gatewayPort = process.env.GATEWAY_PORT ?? '8080';
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const telemetry = ['--require', '@repo/telemetry/register'];

ensureDependencies();
const startedComponents = startStack();
build();

// Made once in .local/ (so sessions survive a restart): the member service signs access tokens
// and the gateway verifies them with one secret; the gateway signs caller assertions with a
// private key and every service verifies them with its public key; the supervision service signs
// the audit log's checkpoints with one key and its witness cosigns them with another.
const { localAuditKey, localCallerKeys, localTokenSecret } = await import('../packages/testbed/dist/index.js');
const { addressVariable, defaultAddress, listenVariable, platformServices } = await import('../packages/platform/dist/index.js');
const authTokenSecret = process.env.AUTH_TOKEN_SECRET ?? localTokenSecret();
const callerKeys = localCallerKeys();
/** A service's secret from the environment, else the local one (made on first use). */
const secretOf = (name) => process.env[name] ?? (name === 'AUTH_TOKEN_SECRET' ? authTokenSecret : localAuditKey(name));

const processes = [
  ...platformServices.map((service) => {
    const address = process.env[listenVariable(service.name)] ?? defaultAddress(service);
    return {
      name: service.name,
      script: `services/${service.name}/dist/main.js`,
      address,
      env: {
        [listenVariable(service.name)]: address,
        CALLER_VERIFY_KEYS: process.env.CALLER_VERIFY_KEYS ?? callerKeys.publicKeyPem,
        OTEL_SERVICE_NAME: service.name,
        ...Object.fromEntries((service.secrets ?? []).map((name) => [name, secretOf(name)])),
      },
    };
  }),
];
processes.push({
  name: 'gateway',
  script: 'gateway/dist/main.js',
  env: {
    GATEWAY_PORT: gatewayPort,
    ...Object.fromEntries(processes.map((p) => [addressVariable(p.name), process.env[addressVariable(p.name)] ?? p.address])),
    AUTH_TOKEN_SECRET: authTokenSecret,
    CALLER_SIGNING_KEY: process.env.CALLER_SIGNING_KEY ?? callerKeys.privateKeyPem,
    OTEL_SERVICE_NAME: 'gateway',
  },
});

let stopping = false;
const children = new Map();

/**
 * Runs a process and brings it back when it dies: after 1 s, doubling to at most 30 s while it
 * keeps dying within a minute of starting, as a Kubernetes restart policy would.
 */
function supervise(spec, delayMs = 1_000) {
  const startedAt = Date.now();
  const child = startProcess(spec.name, process.execPath, [...telemetry, spec.script], spec.env);
  children.set(spec.name, child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const stable = Date.now() - startedAt > 60_000;
    const wait = stable ? 1_000 : delayMs;
    log(`${spec.name} exited (${signal ?? code}); restarting in ${Math.round(wait / 1000)} s`);
    setTimeout(() => {
      if (!stopping) supervise(spec, Math.min((stable ? 1_000 : delayMs) * 2, 30_000));
    }, wait).unref();
  });
}
for (const spec of processes) supervise(spec);

async function shutdown(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping services');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  stopStack(startedComponents);
  process.exit(exitCode);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const deadline = Date.now() + 90_000;
for (;;) {
  try {
    const response = await fetch(`${gatewayUrl}/readyz`);
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    log('the platform did not become ready within 90 s; see the output above');
    await shutdown(1);
  }
  await sleep(300);
}

if (process.argv.includes('--seed')) run('npx', ['tsx', 'services/content/seed/load.ts'], { env: { GATEWAY_URL: gatewayUrl } });

log(
  `ready. Open the portal at ${gatewayUrl}/ (the console at ${gatewayUrl}/console); OpenAPI UI at ${gatewayUrl}/docs; the API is under ${gatewayUrl}/api/v1`,
);
log(`try: curl '${gatewayUrl}/api/v1/search/documents?q=${encodeURIComponent('三会一课')}'   (load demo documents: npm run seed)`);
log('sign in: create the first administrator once with `npm run bootstrap-admin -- --user admin`, then POST /api/v1/auth/login');
log(`repository: ${root}; Ctrl-C stops everything this command started`);
