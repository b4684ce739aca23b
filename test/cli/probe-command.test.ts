/**
 * `kafka-node-adapter probe` on each broker the tests can run, through the real CLI: the ApiVersions it reads, the
 * request table of kafka-node 5.0.0 checked against it, the verdict per engine, and the exit code.
 */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import { KAFKA_39_VERSION, KAFKA_4_VERSION, sharedKafka39, sharedKafka4, type RealKafka } from '../fixtures/real-kafka';
import { runCli } from '../helpers/run-cli';
import { testCertificates } from '../fixtures/tls';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ProbeReport } from '../../src/compat/probe';
import { ApiKey } from '../../src/protocol/api-keys';

async function probeJson(brokers: string): Promise<ProbeReport> {
  const run = await runCli(['probe', '--brokers', brokers, '--json'], 90000);
  expect(run.code, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as ProbeReport;
}

function backend(report: ProbeReport, name: string) {
  const verdict = report.backends.find((b) => b.name === name);
  expect(verdict, `backend ${name} in ${report.backends.map((b) => b.name).join(', ')}`).to.not.equal(undefined);
  return verdict!;
}

function check(report: ProbeReport, api: string, usedBy?: RegExp) {
  const found = report.kafkaNode.checks.find((c) => c.api === api && (!usedBy || usedBy.test(c.usedBy)));
  expect(found, `${api} check`).to.not.equal(undefined);
  return found!;
}

describe('cli/probe command', function () {
  this.timeout(120000);

  describe('on the embedded broker', () => {
    let broker: EmbeddedBroker;
    before(async () => {
      broker = await startEmbedded({ nodes: 2 });
    });
    after(() => broker.stop());

    it('prints every broker of the cluster, the requests kafka-node sends with their versions, and that every engine works', async () => {
      const run = await runCli(['probe', '--brokers', broker.brokers[0]!], 90000);
      expect(run.code, run.stderr).to.equal(0);
      // The second node is found through the cluster's metadata.
      for (const address of broker.brokers)
        expect(run.stdout).to.match(new RegExp(`${address} \\(node \\d\\): ApiVersions answered`));
      expect(run.stdout).to.match(/Produce\s+v2\s+ok\s+Producer\.send/);
      expect(run.stdout).to.match(/Fetch\s+v2\s+ok/);
      expect(run.stdout).to.match(/JoinGroup\s+v0\s+ok/);
      expect(run.stdout).to.match(/backend kafkajs\s+works/);
      expect(run.stdout).to.match(/^Verdict: kafka-node 5\.0\.0 works on this cluster/m);
      expect(run.stdout).to.not.include('REFUSED');
    });

    it('--json: the versions kafka-node negotiates are min(its highest, the broker max) and fixed ones stay fixed', async () => {
      const report = await probeJson(broker.bootstrap);
      expect(report.brokers).to.have.length(2);
      expect(report.brokers.every((b) => b.status === 'answered')).to.equal(true);
      const produceRange = report.brokers[0]!.apis.find((a) => a.apiKey === ApiKey.Produce)!;
      expect(check(report, 'Produce').version).to.equal(Math.min(2, produceRange.maxVersion));
      expect(check(report, 'Metadata', /connect/).version).to.equal(0);
      expect(check(report, 'Metadata', /topic metadata/).version).to.equal(1);
      expect(check(report, 'OffsetCommit', /ConsumerGroup/).version).to.equal(2);
      expect(check(report, 'OffsetCommit', /Offset\.commit/).version).to.equal(0);
      expect(report.kafkaNode.status).to.equal('works');
      expect(backend(report, 'kafka-node').status).to.equal('works');
      expect(backend(report, 'kafkajs').status).to.equal('works');
      expect(backend(report, 'confluent')).to.include({ status: 'works', engine: 'librdkafka 2.15.1' });
      // librdkafka asks for the highest version both sides have.
      expect(backend(report, 'confluent').checks.find((c) => c.api === 'Produce')!.version).to.equal(
        Math.min(10, produceRange.maxVersion),
      );
    });

    it('an address where nothing listens is reported unreachable, with exit code 1', async () => {
      await broker.stop();
      const run = await runCli(['probe', '--brokers', broker.bootstrap, '--timeout', '2000']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(/unreachable: .*(ECONNREFUSED|connection closed)/);
      expect(run.stdout).to.include('does not work on this cluster');
    });
  });

  describe('over TLS with SASL (the embedded broker with a TLS listener and SASL users)', () => {
    let broker: EmbeddedBroker;
    let caFile: string;
    before(async function () {
      const certificates = await startOrSkip(this, () => testCertificates());
      caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kna-probe-tls-')), 'ca.pem');
      fs.writeFileSync(caFile, certificates.ca);
      broker = await startEmbedded({
        saslUsers: { alice: 'alice-secret' },
        tls: { key: certificates.serverKey, cert: certificates.serverCert },
      });
    });
    after(async () => {
      await broker?.stop();
      if (caFile) fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
    });

    it('connects with --tls-ca and checks the SASL requests kafka-node would add', async () => {
      const run = await runCli(
        [
          'probe',
          '--brokers',
          broker.bootstrap,
          '--tls-ca',
          caFile,
          '--sasl-mechanism',
          'scram-sha-256',
          '--sasl-user',
          'alice:alice-secret',
          '--json',
        ],
        90000,
      );
      expect(run.code, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as ProbeReport;
      expect(report).to.include({ tls: true, sasl: 'scram-sha-256' });
      expect(report.brokers[0]!.status).to.equal('answered');
      expect(check(report, 'SaslHandshake')).to.include({ version: 1, accepted: true });
      expect(check(report, 'SaslAuthenticate')).to.include({ version: 0, accepted: true });
      expect(report.kafkaNode.status).to.equal('works');
      expect(run.stdout).to.not.include('alice-secret');
    });

    it('without --tls the listener is reported as not answering Kafka requests, not as an old Kafka (exit code 1)', async () => {
      const run = await runCli(['probe', '--brokers', broker.bootstrap, '--timeout', '2000', '--json'], 90000);
      expect(run.code).to.equal(1);
      const report = JSON.parse(run.stdout) as ProbeReport;
      expect(report.brokers[0]!.status).to.equal('unreachable');
      expect(report.brokers[0]!.detail).to.match(/no answer to ApiVersions or Metadata .*needs TLS \(--tls\)/);
      expect(report.kafkaNode.status).to.equal('fails');
    });
  });

  describe('on Apache Kafka 0.9.0.1 (no ApiVersions)', () => {
    let kafka: Kafka09 | undefined;
    before(async function () {
      this.timeout(180000);
      kafka = await startOrSkip(this, () => startKafka09());
    });
    after(() => kafka?.stop());

    it('reports ApiVersions unsupported, kafka-node on its 0.9 table without the admin requests, and kafkajs unable to run', async () => {
      const report = await probeJson(kafka!.bootstrap);
      expect(report.brokers[0]!.status).to.equal('no-api-versions');
      expect(report.brokers[0]!.detail).to.match(/no ApiVersions answer/);
      // kafka-node's built-in 0.9 table: Produce v1 and Fetch v1; both accepted by 0.9.
      expect(check(report, 'Produce')).to.include({ version: 1, accepted: true, assumed: true });
      expect(check(report, 'Fetch')).to.include({ version: 1, accepted: true });
      expect(check(report, 'CreateTopics')).to.include({ version: 0, accepted: false });
      expect(report.kafkaNode.status).to.equal('partial');
      expect(report.kafkaNode.firstFailure).to.match(/^CreateTopics v0 refused: .* does not offer CreateTopics/);
      expect(backend(report, 'kafka-node').status).to.equal('partial');
      expect(backend(report, 'kafkajs')).to.include({ status: 'fails' });
      expect(backend(report, 'kafkajs').firstFailure).to.match(
        /ApiVersions not answered .* needs Apache Kafka 0\.10 or later/,
      );
      // As the compatibility matrix sees it: librdkafka never gets to produce on 0.9.
      expect(backend(report, 'confluent')).to.include({ status: 'fails' });
      expect(backend(report, 'confluent').firstFailure).to.match(
        /ApiVersions not answered .* librdkafka 2\.15\.1 needs Apache Kafka 0\.10 or later/,
      );
      expect(report.verdict).to.match(
        /^kafka-node 5\.0\.0 produces and consumes on this cluster, but Admin\.createTopics/,
      );
    });
  });

  describe("on librdkafka's mock cluster", () => {
    let mock: RdkafkaMock | undefined;
    before(async function () {
      mock = await startOrSkip(this, () => startRdkafkaMock({ brokers: 2 }));
    });
    after(() => mock?.stop());

    it('reads both mock brokers and rates each engine against their ranges', async () => {
      const report = await probeJson(mock!.brokers[0]!);
      expect(report.brokers.map((b) => b.status)).to.deep.equal(['answered', 'answered']);
      expect(check(report, 'Produce').accepted).to.equal(true);
      expect(check(report, 'JoinGroup').accepted).to.equal(true);
      // The mock has no admin APIs: every engine produces and consumes, none creates topics.
      expect(report.kafkaNode.status).to.equal('partial');
      expect(report.kafkaNode.firstFailure).to.match(
        /^CreateTopics v1 refused: .* does not offer CreateTopics at all$/,
      );
      expect(backend(report, 'kafka-node').status).to.equal('partial');
      expect(backend(report, 'kafkajs').status).to.equal('partial');
      expect(backend(report, 'kafkajs').firstFailure).to.match(/^CreateTopics v3 refused/);
      expect(backend(report, 'confluent').status).to.equal('partial');
      expect(backend(report, 'confluent').firstFailure).to.match(/^CreateTopics v4 refused/);
      expect(report.verdict).to.match(/no backend fills that gap here/);
    });
  });

  /** What Apache Kafka 4.x does to kafka-node, whether it is the real thing or the embedded broker's kafka-4 profile. */
  function expectKafka4Verdicts(report: ProbeReport): void {
    expect(report.brokers.every((b) => b.status === 'answered' && b.kip896)).to.equal(true);
    // kafka-node negotiates Produce to v2 (the broker lists v0 as its minimum), and 4.x refuses it.
    expect(check(report, 'Produce')).to.include({ version: 2, accepted: false });
    expect(report.kafkaNode.status).to.equal('fails');
    expect(report.kafkaNode.firstFailure).to.match(
      /^Produce v2 refused: Apache Kafka 4\.x removed it \(KIP-896; its ApiVersions still lists Produce v0/,
    );
    expect(check(report, 'Fetch')).to.include({ version: 2, accepted: false });
    expect(check(report, 'Fetch').reason).to.equal('Fetch v2 refused: Apache Kafka 4.x removed it (KIP-896)');
    expect(check(report, 'CreateTopics').accepted).to.equal(false);
    expect(check(report, 'JoinGroup').accepted).to.equal(true);
    expect(backend(report, 'kafka-node').status).to.equal('fails');
    expect(backend(report, 'kafkajs').status).to.equal('works');
    expect(backend(report, 'confluent').status).to.equal('works');
    expect(report.verdict).to.match(
      /^kafka-node 5\.0\.0 does not work on this cluster: Produce v2 refused: Apache Kafka 4\.x removed it \(KIP-896/,
    );
    expect(report.verdict).to.include("What to do: run the same code on backend 'kafkajs' or 'confluent'");
  }

  describe("on the embedded broker's kafka-4 profile", () => {
    let broker: EmbeddedBroker;
    before(async () => {
      broker = await startEmbedded({ profile: 'kafka-4' });
    });
    after(() => broker.stop());

    it('names Produce v2 as the first request kafka-node sends that fails, and kafkajs as the way out', async () => {
      const run = await runCli(['probe', '--brokers', broker.bootstrap], 90000);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/Produce\s+v2\s+REFUSED/);
      expect(run.stdout).to.match(
        /^Verdict: kafka-node 5\.0\.0 does not work on this cluster: Produce v2 refused: Apache Kafka 4\.x removed it \(KIP-896/m,
      );
      expectKafka4Verdicts(await probeJson(broker.bootstrap));
    });
  });

  describe(`on Apache Kafka ${KAFKA_4_VERSION} (KRaft)`, () => {
    let kafka: RealKafka;
    before(async function () {
      kafka = await sharedKafka4(this);
    });

    it('gives the same verdicts as the kafka-4 profile: kafka-node fails on Produce v2, kafkajs works', async () => {
      expectKafka4Verdicts(await probeJson(kafka.bootstrap));
    });
  });

  describe(`on Apache Kafka ${KAFKA_39_VERSION} (ZooKeeper mode)`, () => {
    let kafka: RealKafka;
    before(async function () {
      kafka = await sharedKafka39(this);
    });

    it('accepts every request kafka-node sends, at the versions it negotiates there', async () => {
      const report = await probeJson(kafka.bootstrap);
      expect(report.brokers.every((b) => b.status === 'answered' && !b.kip896)).to.equal(true);
      expect(check(report, 'Produce')).to.include({ version: 2, accepted: true });
      expect(check(report, 'CreateTopics')).to.include({ version: 1, accepted: true });
      expect(report.kafkaNode.checks.filter((c) => !c.accepted)).to.deep.equal([]);
      expect(report.kafkaNode.status).to.equal('works');
      expect(backend(report, 'kafka-node').status).to.equal('works');
      expect(backend(report, 'kafkajs').status).to.equal('works');
      expect(backend(report, 'confluent').status).to.equal('works');
    });
  });
});
