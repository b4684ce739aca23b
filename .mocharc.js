'use strict';
// Tests are TypeScript, compiled on the fly without type checking (type checking is `npm run typecheck`).
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = require('path').join(__dirname, 'tsconfig.json');
// `npx mocha test/x.test.ts` runs just that file; plain `mocha` (npm test) runs the whole suite.
const namedFiles = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg) || arg.startsWith('test/'));
module.exports = {
  // A whole-suite run starts the shared real Kafka clusters in the background from the beginning (test/prestart.ts).
  require: namedFiles
    ? ['ts-node/register']
    : ['ts-node/register', require('path').join(__dirname, 'test', 'prestart.ts')],
  extension: ['ts'],
  spec: namedFiles ? [] : ['test/**/*.test.ts'],
  reporter: require('path').join(__dirname, 'test', 'reporter.js'),
  timeout: 30000,
  exit: true,
};
