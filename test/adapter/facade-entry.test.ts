import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as facade from '../../src/adapter';
import * as root from '../../src';
import { ConfigurationError, KafkaError } from '../../src/common/errors';
import { selectBackend, CONFIG_FILE_NAME } from '../../src/adapter/options';
import {
  ADAPTER_WARNINGS,
  isStrict,
  resetWarnings,
  setStrict,
  setWarningHandler,
  type AdapterWarning,
} from '../../src/adapter/warnings';

const REPO_ROOT = path.join(__dirname, '..', '..');

function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'), ...env },
        timeout: 30000,
      },
      (error, stdout, stderr) => {
        resolve({ stdout, stderr, code: error ? Number((error as NodeJS.ErrnoException).code ?? 1) : 0 });
      },
    );
  });
}

describe('adapter facade: entry points, backend selection, options, warnings, error classes', function () {
  this.timeout(30000);
  afterEach(() => {
    setWarningHandler(null);
    setStrict(null);
    resetWarnings();
  });

  it('the package root serves the facade surface and the common interface together', () => {
    for (const name of [
      'KafkaClient',
      'Client',
      'Producer',
      'HighLevelProducer',
      'ConsumerGroup',
      'ConsumerGroupStream',
      'ProducerStream',
      'Offset',
      'Admin',
      'KeyedMessage',
      'DefaultPartitioner',
      'CyclicPartitioner',
      'RandomPartitioner',
      'KeyedPartitioner',
      'CustomPartitioner',
    ] as const) {
      expect(root[name], name).to.be.a('function');
      expect(root[name]).to.equal(facade[name]);
    }
    expect(root.createKafka).to.be.a('function');
    expect(root.ConfigurationError).to.equal(ConfigurationError);
  });

  it('register: require("kafka-node") in user code is the facade, the legacy backend still gets the real kafka-node', async () => {
    const script = [
      "const facade = require('./src/adapter');",
      "const userKafka = require('kafka-node');",
      "const legacy = require('./src/legacy/kafka-node');",
      'console.log(JSON.stringify({ facade: userKafka === facade, legacyIsReal: legacy.kafkaNode.KafkaClient !== facade.KafkaClient && typeof legacy.kafkaNode.KafkaClient === "function", zk: typeof userKafka.Client }));',
    ].join('\n');
    const file = path.join(os.tmpdir(), `facade-register-${process.pid}.js`);
    fs.writeFileSync(file, script.replace(/'\.\/src/g, `'${REPO_ROOT}/src`));
    try {
      const { stdout, stderr } = await runNode([
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        path.join(REPO_ROOT, 'src', 'register.ts'),
        file,
      ]);
      expect(stdout.trim(), stderr).to.not.equal('');
      expect(JSON.parse(stdout.trim())).to.deep.equal({ facade: true, legacyIsReal: true, zk: 'function' });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('backend: option, else KAFKA_NODE_BACKEND, else kafka-node-adapter.json, else kafka-node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facade-config-'));
    try {
      expect(selectBackend(undefined, {}, dir)).to.equal('kafka-node');
      fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), JSON.stringify({ backend: 'kafkajs' }));
      expect(selectBackend(undefined, {}, dir)).to.equal('kafkajs');
      expect(selectBackend(undefined, { KAFKA_NODE_BACKEND: 'kafka-node' }, dir)).to.equal('kafka-node');
      expect(selectBackend('kafkajs', { KAFKA_NODE_BACKEND: 'kafka-node' }, dir)).to.equal('kafkajs');
      expect(() => selectBackend('rdkafka', {}, dir)).to.throw(
        ConfigurationError,
        /"kafka-node", "kafkajs" or "confluent"/,
      );
      fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), JSON.stringify({ backend: 'nope' }));
      expect(() => selectBackend(undefined, {}, dir)).to.throw(facade.InvalidConfigError, /kafka-node-adapter\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const saved = process.env.KAFKA_NODE_BACKEND;
    process.env.KAFKA_NODE_BACKEND = 'kafkajs';
    try {
      expect(new facade.KafkaClient({ autoConnect: false }).backendName).to.equal('kafkajs');
      expect(new facade.KafkaClient({ autoConnect: false, backend: 'kafka-node' }).backendName).to.equal('kafka-node');
    } finally {
      if (saved === undefined) delete process.env.KAFKA_NODE_BACKEND;
      else process.env.KAFKA_NODE_BACKEND = saved;
    }
  });

  it('KafkaClient options: wrong types fail before any I/O, unknown names warn once', () => {
    const warnings: AdapterWarning[] = [];
    setWarningHandler((warning) => warnings.push(warning));
    expect(() => new facade.KafkaClient({ kafkaHost: 9092 as unknown as string })).to.throw(
      facade.InvalidConfigError,
      /kafkaHost/,
    );
    expect(() => new facade.KafkaClient({ requestTimeout: '30s' as unknown as number })).to.throw(
      ConfigurationError,
      /requestTimeout/,
    );
    expect(() => new facade.KafkaClient({ kafkaHost: 'nohost' })).to.throw(ConfigurationError, /host:port/);
    expect(() => new facade.KafkaClient({ clientId: 'bad id!' })).to.throw(
      facade.InvalidConfigError,
      "clientId bad id! is illegal, contains a character other than ASCII alphanumerics, '.', '_' and '-'",
    );
    const options = { autoConnect: false, kafkaHostz: 'x' } as unknown as ConstructorParameters<
      typeof facade.KafkaClient
    >[0];
    new facade.KafkaClient(options);
    new facade.KafkaClient(options);
    expect(warnings).to.deep.equal([
      {
        name: 'option.KafkaClient.kafkaHostz',
        message: 'KafkaClient: option "kafkaHostz" is not a kafka-node option and is ignored',
        backend: null,
      },
    ]);
  });

  it('Producer and ConsumerGroup check their options as kafka-node does', () => {
    const client = new facade.KafkaClient({ autoConnect: false });
    expect(() => new facade.Producer(client, { partitionerType: 4 })).to.throw('No customer partitioner defined');
    expect(() => new facade.Producer(client, {}, () => 0)).to.throw(
      'Partitioner Type must be custom if providing a customPartitioner.',
    );
    expect(new facade.Producer(client).partitioner).to.be.instanceOf(facade.DefaultPartitioner);
    expect(new facade.HighLevelProducer(client).partitioner).to.be.instanceOf(facade.CyclicPartitioner);
    expect(new facade.Producer(client, { partitionerType: 3 }).partitioner).to.be.instanceOf(facade.KeyedPartitioner);
    expect(new facade.Producer(client).requireAcks).to.equal(1);
    expect(new facade.Producer(client).ackTimeoutMs).to.equal(100);
    expect(
      () =>
        new facade.ConsumerGroup(
          { groupId: 'g', fromOffset: 'start' as 'earliest', autoConnect: false } as facade.ConsumerGroupOptions,
          ['t'],
        ),
    ).to.throw('fromOffset start should be either: latest, earliest, none');
    expect(() => new facade.ConsumerGroup({ groupId: 'g' }, [])).to.throw('Array of topics shall not be empty');
  });

  it('warnings: a gap is reported once by name; strict mode turns it into an error', () => {
    const warnings: AdapterWarning[] = [];
    setWarningHandler((warning) => warnings.push(warning));
    const client = new facade.KafkaClient({ autoConnect: false, backend: 'kafkajs' });
    const onRebalance = (_member: boolean, done: (error?: Error | null) => void): void => done();
    const groups = [1, 2].map(
      () => new facade.ConsumerGroup({ groupId: 'g', onRebalance, connectOnReady: false, backend: 'kafkajs' }, ['t']),
    );
    expect(warnings.map((w) => [w.name, w.backend])).to.deep.equal([['consumer-group.onRebalance', 'kafkajs']]);
    setStrict(true);
    expect(() => new facade.ConsumerGroup({ groupId: 'g', onRebalance, connectOnReady: false }, ['t'])).to.throw(
      root.UnsupportedFeatureError,
      /consumer-group.onRebalance/,
    );
    for (const group of groups) group.client.close();
    client.close();
  });

  it('strict mode follows env KAFKA_NODE_ADAPTER_STRICT unless set in code', () => {
    const saved = process.env.KAFKA_NODE_ADAPTER_STRICT;
    try {
      process.env.KAFKA_NODE_ADAPTER_STRICT = '1';
      expect(isStrict()).to.equal(true);
      expect(isStrict(false)).to.equal(false);
      setStrict(false);
      expect(isStrict()).to.equal(false);
      setStrict(null);
      delete process.env.KAFKA_NODE_ADAPTER_STRICT;
      expect(isStrict()).to.equal(false);
    } finally {
      if (saved === undefined) delete process.env.KAFKA_NODE_ADAPTER_STRICT;
      else process.env.KAFKA_NODE_ADAPTER_STRICT = saved;
    }
  });

  for (const backend of ['kafka-node', 'kafkajs'] as const) {
    it(`${backend}: a KafkaClient that cannot reach its broker emits 'error' once its connect retries are spent`, async () => {
      const client = new facade.KafkaClient({
        kafkaHost: '127.0.0.1:1',
        connectTimeout: 500,
        connectRetryOptions: { retries: 0 },
        backend,
      });
      const error = await new Promise<Error>((resolve) => client.once('error', resolve));
      expect(error).to.be.instanceOf(Error);
      expect(client.ready).to.equal(false);
      client.close();
    });
  }

  it("error classes carry kafka-node's names and messages", () => {
    const missing = new facade.TopicsNotExistError(['a', 'b']);
    expect(missing).to.be.instanceOf(Error).and.instanceOf(KafkaError);
    expect([missing.name, missing.message, missing.topics]).to.deep.equal([
      'TopicsNotExistError',
      'The topic(s) a,b do not exist',
      ['a', 'b'],
    ]);
    expect(new facade.ApiNotSupportedError().message).to.equal('The API is not supported by the receiving broker');
    expect(new facade.InvalidConfigError('x')).to.be.instanceOf(ConfigurationError);
    const names = [
      facade.BrokerNotAvailableError,
      facade.TimeoutError,
      facade.InvalidRequestError,
      facade.FailedToRebalanceConsumerError,
    ].map((E) => new E('m').name);
    expect(names).to.deep.equal([
      'BrokerNotAvailableError',
      'TimeoutError',
      'InvalidRequest',
      'FailedToRebalanceConsumerError',
    ]);
    expect(facade.ConsumerGroupErrors.map((E) => new E('m').name)).to.deep.equal([
      'GroupCoordinatorNotAvailable',
      'GroupLoadInProgress',
      'HeartbeatTimeout',
      'IllegalGeneration',
      'NotCoordinatorForGroup',
      'RebalanceInProgress',
      'UnknownMemberId',
    ]);
    const sasl = new facade.SaslAuthenticationError(58, 'bad credentials');
    expect([sasl.name, sasl.errorCode, sasl.message]).to.deep.equal(['SaslAuthenticationError', 58, 'bad credentials']);
  });
});

describe('adapter facade: the warning names', () => {
  it('every name the facade reports is listed, with its meaning, in ADAPTER_WARNINGS', () => {
    const folder = path.join(REPO_ROOT, 'src', 'adapter');
    const files = fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    const source = files.map((name) => fs.readFileSync(path.join(folder, name), 'utf8')).join('\n');
    const used = [...source.matchAll(/(?:warnOnce|gap)\(\s*(['`])([^'`]+)\1/g)].map(([, , name]) =>
      name!.replace(/\$\{owner\}|\$\{name\}|\$\{className\}|\$\{method\}|ConsumerGroup/g, (part) =>
        part === '${name}' ? '<option>' : part === '${method}' ? '<method>' : '<Class>',
      ),
    );
    expect(used.length).to.be.greaterThan(10);
    for (const name of used) expect(ADAPTER_WARNINGS, name).to.have.property(name);
  });
});
