/**
 * CPU profile of one producer's hot path: sequential sends of --batch messages of --size bytes, awaited one by one
 * as the bench's produce workload does, against an embedded broker in a child process (so the profile holds only the
 * client). Profiling starts after a warm-up and covers the timed sends only.
 *
 *   node -r ts-node/register/transpile-only bench/profile-produce.ts <facade|kafka-node|kafkajs> [size=100] [batch=100]
 *     [messages=100000] [profile.cpuprofile]
 *
 * Prints client CPU per message and msg/s; summarise the profile with bench/cpuprofile-summary.ts.
 */
import * as fs from 'fs';
import { Session } from 'inspector';
import { Kafka, logLevel } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import * as facade from '../src/adapter';
import { forkBroker } from '../src/bench/child';

type Send = (values: Buffer[]) => Promise<void>;

async function kafkaNodeApiSender(
  api: typeof facade,
  brokers: string[],
  extra: Record<string, unknown>,
): Promise<Send> {
  const client = new api.KafkaClient({ kafkaHost: brokers.join(','), ...extra });
  await new Promise((resolve) => client.once('ready', resolve));
  const producer = new api.Producer(client, { requireAcks: 1, partitionerType: 0 });
  if (!producer.ready) await new Promise((resolve) => producer.on('ready', resolve));
  await new Promise((resolve, reject) =>
    client.createTopics([{ topic: 'profile', partitions: 1, replicationFactor: 1 }], (error) =>
      error ? reject(error) : resolve(undefined),
    ),
  );
  return (values) =>
    new Promise((resolve, reject) =>
      producer.send([{ topic: 'profile', partition: 0, messages: values, attributes: 0 }], (error) =>
        error ? reject(error) : resolve(),
      ),
    );
}

async function kafkajsSender(brokers: string[]): Promise<Send> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'profile', numPartitions: 1 }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return async (values) => {
    await producer.send({ topic: 'profile', acks: 1, messages: values.map((value) => ({ value, partition: 0 })) });
  };
}

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

async function main(): Promise<void> {
  const [which = 'facade', size = '100', batch = '100', messages = '100000', profileTo] = process.argv.slice(2);
  const { child: broker, brokers } = await forkBroker();
  const send =
    which === 'kafkajs'
      ? await kafkajsSender(brokers)
      : await kafkaNodeApiSender(
          which === 'kafka-node' ? (kafkaNode as unknown as typeof facade) : facade,
          brokers,
          which === 'kafka-node' ? {} : { backend: 'kafkajs' },
        );
  const values = Array.from({ length: Number(batch) }, () => Buffer.alloc(Number(size), 'x'));
  const total = Number(messages);
  for (let sent = 0; sent < 5000; sent += values.length) await send(values);
  const session = new Session();
  if (profileTo) {
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
  }
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < total; sent += values.length) await send(values);
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (profileTo)
    fs.writeFileSync(
      profileTo,
      JSON.stringify(((await post(session, 'Profiler.stop')) as { profile: unknown }).profile),
    );
  process.stdout.write(
    `${which} ${size} B batch ${batch}: ${((used.user + used.system) / total).toFixed(2)} µs CPU/msg, ${Math.round(total / seconds)} msg/s\n`,
  );
  broker.kill();
  process.exit(0);
}

void main();
