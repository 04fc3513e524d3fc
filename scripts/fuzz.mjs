// `npm run fuzz` (and a stage of `npm test`): schemathesis over the whole OpenAPI document of a
// platform this script starts itself on the local stack, under a namespace of its own: every
// service of the platform's list and the gateway as processes on free ports, data seeded through
// the REST API, then one schemathesis run per caller (the public, a superAdmin, a plain member).
// Checks: no server error, every status documented, every answer in its documented schema and
// content type, and no process of the platform dying meanwhile.
//
// Writes .local/fuzz/summary.json ({ passed, failed }: one test per operation and caller, from
// schemathesis's JUnit reports, plus the platform's own checks) and exits 1 when anything failed.
//
//   node scripts/fuzz.mjs [--only=content,...] [--examples=N] [--seed=N] [--timeout=S]
//
// --only runs some services (the others' operations are left out); --examples is the number of
// generated cases per operation and caller (FUZZ_EXAMPLES, default 8); --seed (FUZZ_SEED) repeats
// a run; --timeout (FUZZ_TIMEOUT, default 300) is how many seconds one caller's run may take
// before it is ended and failed. Schemathesis is installed from scripts/fuzz/requirements.txt
// into .local/venv once. What each service seeds is in scripts/fuzz/seeds/<name>.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDependencies, log, root, runOrExit, startStack, stopStack } from './lib.mjs';

const options = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg) => /^--([a-z]+)=(.*)$/.exec(arg))
    .filter(Boolean)
    .map(([, key, value]) => [key, value]),
);
const examples = Number(options.examples ?? process.env.FUZZ_EXAMPLES ?? 8);
const seed = Number(options.seed ?? process.env.FUZZ_SEED ?? randomBytes(4).readUInt32BE());
const runTimeoutSeconds = Number(options.timeout ?? process.env.FUZZ_TIMEOUT ?? 300);
const workDir = join(root, '.local/fuzz');
const summaryFile = join(workDir, 'summary.json');
const started = Date.now();

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Schemathesis, in a virtual environment of its own, installed again only when the pins change.
// ---------------------------------------------------------------------------------------------
const requirements = join(root, 'scripts/fuzz/requirements.txt');
const venv = join(root, '.local/venv');
const st = join(venv, 'bin/st');

function python() {
  for (const candidate of ['python3.11', 'python3.12', 'python3.13', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  log('fuzz: schemathesis needs Python 3.10 or newer (python3.11 or python3 on PATH)');
  process.exit(1);
}

function ensureSchemathesis() {
  const pins = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = join(venv, '.requirements-sha256');
  if (existsSync(st) && existsSync(stamp) && readFileSync(stamp, 'utf8') === pins) return;
  log('fuzz: installing schemathesis into .local/venv (once)');
  rmSync(venv, { recursive: true, force: true });
  runOrExit(python(), ['-m', 'venv', venv]);
  runOrExit(join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirements]);
  writeFileSync(stamp, pins);
}

// ---------------------------------------------------------------------------------------------
// The platform: every listed service and the gateway, as processes, under one namespace.
// ---------------------------------------------------------------------------------------------
ensureDependencies();
const startedComponents = startStack();
// The gateway (with the platform's list and testbed) first, then the services this run starts.
const build = (filters) =>
  runOrExit('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', ...filters.map((f) => `--filter=${f}...`)]);
build(['@repo/gateway', '@repo/testbed']);
const { platformServices, addressVariable, listenVariable } = await import('../packages/platform/dist/index.js');
const only = options.only?.split(',').filter(Boolean);
const services = platformServices.filter((service) => !only || only.includes(service.name));
const leftOut = platformServices.filter((service) => !services.includes(service));
build(services.map((s) => `@repo/${s.name}`));
ensureSchemathesis();

const testbed = await import('../packages/testbed/dist/index.js');
const namespace = testbed.uniqueNamespace('fz');
const tokenSecret = testbed.randomSecret();
const stack = testbed.stackEnv(namespace);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const children = [];
/** Processes that ended while they should have been running: a failure of the fuzz stage. */
const died = [];
let stopping = false;

function startProcess(name, script, env) {
  const logFile = join(workDir, `${name}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--require', '@repo/telemetry/register', script], {
    cwd: root,
    env: { ...process.env, ...stack, LOG_LEVEL: 'warn', OTEL_SERVICE_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  child.on('exit', (code, signal) => {
    if (!stopping) died.push(`${name} exited (${signal ?? code}) during the fuzz stage; see ${logFile}`);
  });
  children.push({ name, child, logFile });
  return child;
}

async function stopPlatform() {
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  await testbed.cleanupNamespace(namespace).catch((err) => log(`fuzz: cleaning up ${namespace} failed: ${err.message}`));
}

/** The schemathesis run in progress. */
let running;
// Stopped from outside: the run, the platform's processes and its namespace go too.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`fuzz: ${signal}; stopping the platform`);
    running?.kill('SIGTERM');
    void stopPlatform().finally(() => process.exit(130));
  });
}

const addresses = {};
for (const service of leftOut) addresses[addressVariable(service.name)] = '127.0.0.1:1';
for (const service of services) {
  const address = `127.0.0.1:${await freePort()}`;
  addresses[addressVariable(service.name)] = address;
  startProcess(service.name, `services/${service.name}/dist/main.js`, {
    [listenVariable(service.name)]: address,
    ...(service.secrets?.includes('AUTH_TOKEN_SECRET') ? { AUTH_TOKEN_SECRET: tokenSecret } : {}),
  });
}
const gatewayPort = await freePort();
const baseUrl = `http://127.0.0.1:${gatewayPort}`;
startProcess('gateway', 'gateway/dist/main.js', {
  ...addresses,
  GATEWAY_PORT: String(gatewayPort),
  AUTH_TOKEN_SECRET: tokenSecret,
  CALLER_SIGNING_KEY: testbed.testCallerKeys.privateKeyPem,
  // The fuzzer is one client sending thousands of requests a minute; the limits are tested elsewhere.
  RATE_LIMIT_PER_MINUTE: '1000000',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '10000',
});

const results = [];
/** One of the platform's own checks, counted with schemathesis's tests. */
function result(name, ok, why = '') {
  results.push({ name, ok });
  if (!ok) log(`fuzz: FAILED ${name}${why ? `: ${why}` : ''}`);
}

async function ready() {
  const deadline = Date.now() + 120_000;
  const wanted = (body) => services.every((service) => body?.services?.[service.name] === true);
  while (Date.now() < deadline && died.length === 0) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (wanted(await response.json())) return true;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Seed data through the REST API, so authorised calls reach real code.
// ---------------------------------------------------------------------------------------------
const identities = {
  admin: { userId: 'fuzz-admin', roles: ['superAdmin'], orgPath: '/' },
  reviewer: { userId: 'fuzz-reviewer', roles: ['superAdmin'], orgPath: '/' },
  member: { userId: 'fuzz-member', roles: ['member'], orgPath: '' },
};
const tokenOf = (identity) => testbed.testAccessToken(identity, tokenSecret, 900);

async function api(method, path, identity, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokenOf(identity)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`seeding: ${method} ${path} answered ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** Seeded ids by dictionary name. */
const ids = {};
const record = (dictionary, ...values) => (ids[dictionary] ??= []).push(...values);

/**
 * Each service's seed, scripts/fuzz/seeds/<name>.mjs when it has one: its `seed` function and
 * the `dictionaries` of ids it records, with the fields and paths that take them. A service
 * without one is fuzzed all the same, with generated ids only. Seeds run in the platform list's
 * order and see what earlier ones recorded (`ids`): learning, feedback and supervision build on
 * the member service's organisations and members, which reach them as its events.
 */
const seeds = [];
for (const service of services) {
  const file = join(root, `scripts/fuzz/seeds/${service.name}.mjs`);
  if (existsSync(file)) seeds.push({ name: service.name, ...(await import(file)) });
}

// ---------------------------------------------------------------------------------------------
// Schemathesis: its configuration (with the seeded ids as dictionaries), one run per caller.
// ---------------------------------------------------------------------------------------------
const toml = (value) => JSON.stringify(value);

function configuration() {
  // A generated id is a fresh uuid (always 404); half the time the fuzzer takes a seeded one.
  const dictionaries = Object.entries(ids).filter(([, values]) => values.length > 0);
  const known = new Set(dictionaries.map(([name]) => name));
  const bind = (dictionary) => (known.has(dictionary) ? `{ dictionary = ${toml(dictionary)}, probability = 0.5 }` : undefined);
  const bindings = (pairs) =>
    pairs
      .map(([key, dictionary]) => [key, bind(dictionary)])
      .filter(([, binding]) => binding)
      .map(([key, binding]) => `${toml(key)} = ${binding}`)
      .join(', ');
  const declared = seeds.flatMap((s) => Object.entries(s.dictionaries ?? {}));
  const references = declared.flatMap(([dictionary, { fields = [] }]) => fields.map((field) => [field, dictionary]));
  const byPath = declared.flatMap(([dictionary, { paths = [] }]) => paths.map((pattern) => [pattern, dictionary]));
  const lines = [
    `seed = ${seed}`,
    'workers = 1',
    'request-timeout = 30',
    '',
    '[generation]',
    `max-examples = ${examples}`,
    'database = "none"',
    '',
    '[cache]',
    'enabled = false',
    '',
    '[phases.stateful]',
    'enabled = false',
    '',
    '[checks]',
    'enabled = false',
    ...['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'].flatMap((check) => [
      `[checks.${check}]`,
      'enabled = true',
    ]),
    '',
    ...dictionaries.flatMap(([name, values]) => [`[dictionaries.${name}]`, `values = ${toml(values)}`]),
    '',
    '[parameters]',
    ...references.filter(([, dictionary]) => known.has(dictionary)).map(([key, dictionary]) => `${toml(key)} = ${bind(dictionary)}`),
    '',
  ];
  for (const [pattern, dictionary] of byPath) {
    if (!known.has(dictionary)) continue;
    lines.push('[[operations]]', `include-path-regex = ${toml(pattern)}`, `parameters = { ${bindings([['path.id', dictionary]])} }`, '');
  }
  // Operations of services this run left out would only answer 503.
  for (const service of leftOut) {
    lines.push('[[operations]]', `include-tag = ${toml(service.tags.map((t) => t.name))}`, 'enabled = false', '');
  }
  if (leftOut.length > 0) lines.push('[[operations]]', 'include-path = "/readyz"', 'enabled = false', '');
  return lines.join('\n');
}

/** One schemathesis run as a child (so a signal stops it too); a run past --timeout is ended and fails. */
function schemathesis(variant, config, authorization) {
  const junit = join(workDir, `junit-${variant}.xml`);
  log(`fuzz: schemathesis as ${variant} (seed ${seed}, ${examples} examples per operation)`);
  const args = [
    '--config-file',
    config,
    'run',
    `${baseUrl}/docs/json`,
    '--url',
    baseUrl,
    '--report',
    process.env.FUZZ_REPORTS ?? 'junit',
    '--report-junit-path',
    junit,
  ];
  if (authorization) args.push('--header', `Authorization: Bearer ${authorization}`);
  return new Promise((resolve) => {
    running = spawn(st, args, { cwd: workDir, stdio: 'inherit' });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      running.kill('SIGKILL');
    }, runTimeoutSeconds * 1000);
    running.on('exit', (code) => {
      clearTimeout(timer);
      running = undefined;
      resolve({ variant, junit, code: code ?? 1, timedOut });
    });
  });
}

/** Tests of a JUnit report: one per operation; failed when it holds a failure or an error. */
function countJunit({ variant, junit, code, timedOut }) {
  // Said as such: a run that is ended leaves a report of what it had finished, all passed.
  if (timedOut) return { passed: 0, failed: 1, failures: [`${variant}: ended after --timeout=${runTimeoutSeconds} s`] };
  if (!existsSync(junit)) return { passed: 0, failed: 1, failures: [`${variant}: schemathesis wrote no report (exit ${code})`] };
  const xml = readFileSync(junit, 'utf8');
  let passed = 0;
  const failures = [];
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = /\bname="([^"]*)"/.exec(match[1])?.[1] ?? '?';
    const inner = match[3] ?? '';
    if (/<(failure|error)\b/.test(inner)) failures.push(`${variant}: ${name}`);
    else if (!/<skipped\b/.test(inner)) passed += 1;
  }
  // A run that failed with every operation passing failed elsewhere (an error before testing).
  if (code !== 0 && failures.length === 0) failures.push(`${variant}: schemathesis exited ${code}`);
  return { passed, failed: failures.length, failures };
}

let exitCode = 1;
try {
  const up = await ready();
  result('the platform starts', up, died.join('; ') || 'not ready within 120 s');
  if (up) {
    for (const { name, seed: seedService } of seeds) {
      try {
        await seedService({ api, identities, ids, record, testbed });
        result(`seeding ${name} through the REST API`, true);
      } catch (err) {
        result(`seeding ${name} through the REST API`, false, err.message);
      }
    }
    const config = join(workDir, 'schemathesis.toml');
    writeFileSync(config, configuration());
    const runs = [
      await schemathesis('public', config),
      await schemathesis('member', config, tokenOf(identities.member)),
      await schemathesis('superAdmin', config, tokenOf(identities.admin)),
    ];
    const counted = runs.map(countJunit);
    result('no process of the platform died', died.length === 0, died.join('; '));
    const passed = counted.reduce((sum, c) => sum + c.passed, 0) + results.filter((r) => r.ok).length;
    const failed = counted.reduce((sum, c) => sum + c.failed, 0) + results.filter((r) => !r.ok).length;
    for (const failure of counted.flatMap((c) => c.failures)) log(`fuzz: FAILED ${failure}`);
    writeFileSync(summaryFile, JSON.stringify({ passed, failed, seed, examples, seconds: Math.round((Date.now() - started) / 1000) }));
    log(`fuzz: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s (reports in .local/fuzz/)`);
    exitCode = failed === 0 ? 0 : 1;
  } else {
    writeFileSync(summaryFile, JSON.stringify({ passed: 0, failed: 1, seed, examples }));
  }
} finally {
  await stopPlatform();
  if (!process.env.KEEP_STACK) stopStack(startedComponents);
}
process.exit(exitCode);
