// `npm test`: builds, checks types, lint and contracts, starts the local stack if it is not up,
// runs every jest suite (unit and integration) in one run, and ends with one line:
// "N passed, N failed", counting every test and every check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, log, root, run, startStack, stopStack } from './lib.mjs';

ensureDependencies();
build();

const checks = [
  ['typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['lint', 'npx', ['eslint', '.']],
  // Benchmarks are not workspaces; their own tsconfig keeps them compiling with the code they measure.
  ['bench typecheck: search-relevance', 'npx', ['tsc', '--noEmit', '-p', 'bench/search-relevance']],
  ['bench typecheck: search-load', 'npx', ['tsc', '--noEmit', '-p', 'bench/search-load']],
  ['bench typecheck: member', 'npx', ['tsc', '--noEmit', '-p', 'bench/member']],
  ['proto lint', 'npm', ['run', 'lint', '-w', '@repo/proto']],
  // Builds helm from the Go module proxy on first use (~2.5 min), cached afterwards.
  ['helm chart', 'bash', ['deploy/helm-check.sh']],
];
const results = [];
for (const [name, command, args] of checks) {
  log(`check: ${name}`);
  results.push([name, run(command, args) === 0]);
}

const startedComponents = startStack();
const report = join(root, '.local/jest-report.json');
log('jest: unit and integration tests against the local stack');
const jestArgs = ['jest', '--runInBand', '--forceExit', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
const jestCode = run('npx', jestArgs);
if (!process.env.KEEP_STACK) stopStack(startedComponents);

let passed = results.filter(([, ok]) => ok).length;
let failed = results.length - passed;
try {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed += summary.numPassedTests;
  failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
} catch {
  failed += 1;
  log('jest wrote no report');
}
if (jestCode !== 0 && failed === 0) failed += 1;
for (const [name, ok] of results) if (!ok) log(`failed check: ${name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
