// Every workspace's tests in one run, so one summary totals them all.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/proto', '<rootDir>/packages/*', '<rootDir>/services/*', '<rootDir>/gateway', '<rootDir>/web'],
};
