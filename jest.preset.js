// Shared jest settings for every workspace; each workspace's jest.config.js spreads it.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Suites run two at a time on two cores beside the local stack: a CPU-bound test (a 5,000-row
  // workbook) may take several seconds. Timeouts catch hangs here; speed is measured in bench/.
  testTimeout: 60_000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { sourceMap: true, isolatedModules: true } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
