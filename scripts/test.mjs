// `npm test`: builds, runs the static checks (types, lint, format, contracts, the Helm chart) two
// at a time, starts the local stack if it is not up, runs every jest suite (unit and
// integration) on two workers, then the suites that stop shared servers on their own, then the
// fuzz stage (scripts/fuzz.mjs), and ends with one line: "N passed, N failed", counting every
// test and every check.
//
// Pass jest arguments after `--` (`npm test -- gateway/test`): then only jest runs, once, with them.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBrowser } from './browser.mjs';
import { build, ensureDependencies, log, root, run, startStack, stopStack } from './lib.mjs';

ensureDependencies();
// Chromium and CJK fonts for the portal's browser tests (after npm ci: the fallback uses playwright-core).
ensureBrowser();
build();

const jestArgs = process.argv.slice(2);
const results = [];

/** Runs a command with its output buffered, printed whole when it ends (checks run side by side). */
function check(name, command, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const ok = code === 0;
      log(`check: ${name} ${ok ? 'passed' : 'FAILED'} (${Math.round((Date.now() - started) / 1000)} s)`);
      if (!ok) process.stdout.write(output);
      results.push([name, ok]);
      resolve();
    });
  });
}

/** Runs the checks, `parallel` at a time. */
async function checks(list, parallel) {
  const queue = [...list];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await check(...next);
    }),
  );
}

if (jestArgs.length === 0) {
  await checks(
    [
      ['typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']],
      ['lint', 'npx', ['eslint', '.']],
      ['format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']],
      // Benchmarks are not workspaces; their own tsconfig keeps them compiling with the code they measure.
      ['bench typecheck', 'bash', ['-c', 'for b in bench/*/tsconfig.json; do npx tsc --noEmit -p "$(dirname "$b")" || exit 1; done']],
      ['proto lint', 'npm', ['run', 'lint', '-w', '@repo/proto']],
      // Builds helm from the Go module proxy on first use (~2.5 min), cached afterwards.
      ['helm chart', 'bash', ['deploy/helm-check.sh']],
    ],
    2,
  );
}

const startedComponents = startStack();
const reports = [];

/** One jest run; its JSON report is counted at the end. */
function jest(name, args) {
  const report = join(root, `.local/jest-${name}.json`);
  rmSync(report, { force: true });
  log(`jest: ${name}`);
  const code = run('npx', ['jest', '--forceExit', '--json', `--outputFile=${report}`, ...args]);
  reports.push({ name, report, code });
}

// Suites that stop a server of the shared stack (their names end in .outage.test.ts) run alone,
// after the rest, so no other suite is running while NATS or the store is down.
const outage = '\\.outage\\.test\\.ts$';
if (jestArgs.length > 0) {
  jest('selected', ['--runInBand', ...jestArgs]);
} else {
  jest('suites', ['--maxWorkers=2', '--testPathIgnorePatterns', outage, '/node_modules/']);
  jest('outage-suites', ['--runInBand', '--testPathPattern', outage]);
  // Schemathesis over the OpenAPI document, on a platform of its own (scripts/fuzz.mjs).
  log('fuzz');
  reports.push({ name: 'fuzz', report: join(root, '.local/fuzz/summary.json'), code: run('node', ['scripts/fuzz.mjs']) });
}
if (!process.env.KEEP_STACK) stopStack(startedComponents);

/**
 * The failed tests of a jest report, each with its file and the first line of its message, so the
 * last lines of a run say what broke even when the log above them is cut.
 */
function failedTests(summary) {
  return (summary.testResults ?? []).flatMap((suite) => {
    const file = relative(root, suite.name);
    const tests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (tests.length === 0 && suite.status === 'failed') return [`${file}: ${firstLine(suite.message)}`];
    return tests.map((test) => `${file}: ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
  });
}

function firstLine(text = '') {
  const line = text
    // eslint-disable-next-line no-control-regex -- the colour codes jest writes are what is removed
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('●'));
  return (line ?? '').slice(0, 200);
}

let passed = results.filter(([, ok]) => ok).length;
let failed = results.length - passed;
for (const { name, report, code } of reports) {
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    // A jest report, or the fuzz stage's { passed, failed }.
    const failures = summary.failed ?? summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    passed += summary.passed ?? summary.numPassedTests;
    failed += failures;
    for (const line of failedTests(summary)) log(`FAILED ${name}: ${line}`);
    if (code !== 0 && failures === 0) failed += 1;
  } catch {
    failed += 1;
    log(`${name} wrote no report`);
  }
}
for (const [name, ok] of results) if (!ok) log(`failed check: ${name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
