// Every workspace's tests in one run, so one summary totals them all.
/** @type {import('jest').Config} */
module.exports = {
  // A global option (jest ignores it inside a project). Suites run two at a time on two cores beside
  // the local stack: a CPU-bound test (a 5,000-row workbook) may take several seconds. Timeouts catch
  // hangs here; speed is measured in bench/.
  testTimeout: 60_000,
  projects: ['<rootDir>/proto', '<rootDir>/packages/*', '<rootDir>/services/*', '<rootDir>/gateway', '<rootDir>/web'],
};
