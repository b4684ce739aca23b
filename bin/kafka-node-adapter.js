#!/usr/bin/env node
'use strict';
// In a git checkout (src/ present) the CLI runs from the TypeScript sources, so it never runs a stale dist/; the
// published package ships only dist/ and runs that.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const sources = path.join(root, 'src', 'cli', 'index.ts');
let cli;
if (fs.existsSync(sources)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  cli = require(sources);
} else {
  cli = require(path.join(root, 'dist', 'src', 'cli', 'index.js'));
}
// Exit explicitly: a client library may keep a socket or timer alive after the command has finished.
cli.main(process.argv).then((code) => process.exit(code));
