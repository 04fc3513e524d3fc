// `npm start`: the whole platform on this machine: local stack, every service, the gateway.
// Ctrl-C stops every process it started. `npm start -- --seed` also loads the demo corpus.
import { setTimeout as sleep } from 'node:timers/promises';
import { build, ensureDependencies, log, root, run, startProcess, startStack, stopStack } from './lib.mjs';

const gatewayPort = process.env.GATEWAY_PORT ?? '8080';
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const telemetry = ['--require', '@repo/telemetry/register'];

ensureDependencies();
const startedComponents = startStack();
build();

// The member service signs access tokens and the gateway verifies them with one secret; locally
// it lives in .local/auth-token-secret (created once), so sessions survive a restart.
const { localTokenSecret } = await import('../packages/testbed/dist/index.js');
const authTokenSecret = process.env.AUTH_TOKEN_SECRET ?? localTokenSecret();
const contentAddr = process.env.CONTENT_GRPC_ADDR ?? '127.0.0.1:50051';
const memberAddr = process.env.MEMBER_GRPC_ADDR ?? '127.0.0.1:50052';

const services = [
  {
    name: 'content',
    script: 'services/content/dist/main.js',
    env: { CONTENT_GRPC_ADDR: contentAddr, OTEL_SERVICE_NAME: 'content' },
  },
  {
    name: 'member',
    script: 'services/member/dist/main.js',
    env: { MEMBER_GRPC_ADDR: memberAddr, AUTH_TOKEN_SECRET: authTokenSecret, OTEL_SERVICE_NAME: 'member' },
  },
  {
    name: 'gateway',
    script: 'gateway/dist/main.js',
    env: {
      GATEWAY_PORT: gatewayPort,
      CONTENT_ADDR: process.env.CONTENT_ADDR ?? contentAddr,
      MEMBER_ADDR: process.env.MEMBER_ADDR ?? memberAddr,
      AUTH_TOKEN_SECRET: authTokenSecret,
      OTEL_SERVICE_NAME: 'gateway',
    },
  },
];

const children = services.map((s) => {
  const child = startProcess(s.name, process.execPath, [...telemetry, s.script], s.env);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${s.name} exited (${signal ?? code}); stopping the platform`);
      void shutdown(1);
    }
  });
  return child;
});

let stopping = false;
async function shutdown(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping services');
  await Promise.all(
    children.map(
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

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const response = await fetch(`${gatewayUrl}/readyz`);
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    log('the platform did not become ready within 60 s; see the output above');
    await shutdown(1);
  }
  await sleep(300);
}

if (process.argv.includes('--seed')) run('npx', ['tsx', 'services/content/seed/load.ts'], { env: { GATEWAY_URL: gatewayUrl } });

log(`ready. Point a browser at ${gatewayUrl}/docs (OpenAPI UI); the API is under ${gatewayUrl}/api/v1`);
log(`try: curl '${gatewayUrl}/api/v1/search/documents?q=${encodeURIComponent('三会一课')}'   (load demo documents: npm run seed)`);
log('sign in: create the first administrator once with `npm run bootstrap-admin -- --user admin`, then POST /api/v1/auth/login');
log(`repository: ${root}; Ctrl-C stops everything this command started`);
