import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import {
  DEEP_REQUIRES_PROGRAM,
  INTERNAL_MODULE_BY_DESIGN,
  checkDeepRequiresReference,
  deepRequiresTrace,
} from './conformance/deep-requires-program';

const REPO_ROOT = path.join(__dirname, '..', '..');

function run(
  file: string,
  args: string[],
  cwd: string,
  timeout: number,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number((error as NodeJS.ErrnoException).code ?? 1) : 0 });
    });
  });
}

// `"kafka-node": "npm:kafka-node-adapter@..."` puts this package at node_modules/kafka-node and the real kafka-node it
// depends on at node_modules/kafka-node/node_modules/kafka-node. The layout is rebuilt here from a fresh build: the
// package in a folder of its own (package.json + dist) whose node_modules holds the real kafka-node, linked into an
// application's node_modules under the name kafka-node.
describe('adapter: installed under the npm alias "kafka-node"', function () {
  this.timeout(180000);
  let workDir: string;
  let appDir: string;
  let broker: EmbeddedBroker;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-alias-'));
    const packageDir = path.join(workDir, 'package');
    appDir = path.join(workDir, 'app');
    fs.mkdirSync(packageDir);
    fs.mkdirSync(path.join(appDir, 'node_modules'), { recursive: true });
    const build = await run(
      process.execPath,
      [
        require.resolve('typescript/bin/tsc'),
        '-p',
        path.join(REPO_ROOT, 'tsconfig.build.json'),
        '--outDir',
        path.join(packageDir, 'dist'),
      ],
      REPO_ROOT,
      150000,
    );
    expect(build.code, `tsc build failed:\n${build.stdout}${build.stderr}`).to.equal(0);
    fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(packageDir, 'package.json'));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(packageDir, 'node_modules'), 'dir');
    fs.symlinkSync(packageDir, path.join(appDir, 'node_modules', 'kafka-node'), 'dir');
    broker = await startBroker({ logger: silentLogger });
  });

  after(async () => {
    await broker?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("the application's require('kafka-node') is the facade, whose kafka-node backend runs on the real kafka-node", async () => {
    const app = `
      const kafka = require('kafka-node');
      const fs = require('fs');
      const path = require('path');
      async function send(backend) {
        const client = new kafka.KafkaClient({ kafkaHost: ${JSON.stringify(broker.brokers[0])}, backend });
        const producer = new kafka.Producer(client);
        await new Promise((resolve, reject) => { producer.on('ready', resolve); producer.on('error', reject); });
        const result = await new Promise((resolve, reject) => producer.send([{ topic: 'alias-' + backend, messages: ['one', 'two'] }], (error, data) => (error ? reject(error) : resolve(data))));
        await new Promise((resolve) => producer.close(resolve));
        return result;
      }
      (async () => {
        const facadeFile = fs.realpathSync(require.resolve('kafka-node'));
        const legacyDir = path.join(path.dirname(facadeFile), 'legacy');
        const realKafkaNode = require.resolve('kafka-node', { paths: [legacyDir] });
        console.log(JSON.stringify({
          facadeFile,
          realKafkaNode,
          createKafka: typeof kafka.createKafka,
          kafkaNode: await send('kafka-node'),
          kafkajs: await send('kafkajs'),
        }));
      })().catch((error) => { console.error(error); process.exit(1); });
    `;
    fs.writeFileSync(path.join(appDir, 'app.js'), app);
    const result = await run(process.execPath, ['app.js'], appDir, 60000);
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report.facadeFile).to.match(/[\\/]package[\\/]dist[\\/]src[\\/]index\.js$/);
    expect(fs.realpathSync(report.realKafkaNode as string)).to.equal(
      fs.realpathSync(path.join(REPO_ROOT, 'node_modules', 'kafka-node', 'kafka.js')),
    );
    expect(report.createKafka).to.equal('function');
    expect(report.kafkaNode).to.deep.equal({ 'alias-kafka-node': { 0: 0 } });
    expect(report.kafkajs).to.deep.equal({ 'alias-kafkajs': { 0: 0 } });
  });

  it("serves kafka-node/logging and kafka-node/lib/errors[/<Name>] from package exports, and refuses kafka-node's internals", async () => {
    fs.copyFileSync(DEEP_REQUIRES_PROGRAM, path.join(appDir, 'deep-requires.js'));
    fs.writeFileSync(
      path.join(appDir, 'deep-app.js'),
      `process.env.KAFKA_HOST = ${JSON.stringify(broker.brokers[0])};\nrequire('./deep-requires.js');\n`,
    );
    const result = await run(process.execPath, ['deep-app.js'], appDir, 60000);
    expect(result.code, result.stderr).to.equal(0);
    const trace = deepRequiresTrace(JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>);
    expect(trace[INTERNAL_MODULE_BY_DESIGN.entry]).to.equal(INTERNAL_MODULE_BY_DESIGN.facadeValue);
    checkDeepRequiresReference(
      trace.map((entry, index) => (index === INTERNAL_MODULE_BY_DESIGN.entry ? 'loaded' : entry)),
    );
  });
});
