/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper: {
    '^missionkit$': '<rootDir>/src/index.ts',
    '^missionkit/core$': '<rootDir>/src/core.ts',
    '^missionkit/testing$': '<rootDir>/src/testing/index.ts',
    '^missionkit/distributed$': '<rootDir>/src/distributed/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30000,
};
