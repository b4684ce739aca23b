#!/usr/bin/env node
'use strict';
// Runs the compiled CLI when the package is built (dist/), and the TypeScript sources otherwise (a git checkout).
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  cli = require(path.join(__dirname, '..', 'src', 'cli', 'index.ts'));
}
// Exit explicitly: a client library may keep a socket or timer alive after the command has finished.
cli.main(process.argv).then((code) => process.exit(code));
