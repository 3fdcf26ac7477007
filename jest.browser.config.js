// The browser tests of the HTML report (`npm run test:browser`): they drive a real Chromium
// (Debian's `chromium`, through playwright-core), so they are kept out of `npm test`, which
// needs nothing but Node.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  testTimeout: 120000,
};
