// Tests are written in TypeScript and compiled by `tsc` (npm's pretest) like the product itself,
// so jest runs plain ESM JavaScript: no transform, and the code under test is the code we ship.
// TANDEM_DIST lets parallel work trees build into their own output folder.
const dist = process.env.TANDEM_DIST ?? 'dist';
export default {
  testEnvironment: 'node',
  transform: {},
  testMatch: [`<rootDir>/${dist}/**/*.test.js`],
  testTimeout: 30000,
  maxWorkers: 2,
};
