import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startFaultProxy, type FaultProxy } from '../fixtures/fault-proxy';
import { sleep, until } from '../helpers/poll';
import { parseClientOptions } from '../../src/adapter/options';
import {
  closeMembersQuietly,
  DRIVERS,
  resilientFacadeOptions,
  slug,
  type ClientDriver,
  type ScenarioMember,
  settleAndDrain,
  topicWithTwoMembers,
} from './drivers';
import {
  expectCommittedToEnd,
  expectNothingLost,
  report,
  resilientKafka,
  itSideBySide,
  StreamProducer,
  tally,
  type Print,
} from './harness';

// Scenario d: every client connection goes through a fault-injecting proxy (test/fixtures/fault-proxy.ts) in front of
// a 3-node cluster. Mid-stream the proxy resets every connection several times, then delays each request, then refuses
// new connections for a while. Clients recover with their retry settings; nothing acknowledged is lost.
async function networkFaults(driver: ClientDriver, print: Print): Promise<void> {
  const { backend } = driver;
  const started = Date.now();
  const broker: EmbeddedBroker = await startEmbedded({ nodes: 3 });
  const proxy: FaultProxy = await startFaultProxy(broker.brokers);
  const members: ScenarioMember[] = [];
  const groupId = `faults-${slug(driver)}`;
  const topic = groupId;
  try {
    if (driver.kind === 'facade') {
      // The facade must ride out the faults with the same settings, given in kafka-node's names.
      const { config } = parseClientOptions(resilientFacadeOptions(backend, proxy.addresses));
      expect(
        config,
        'retryOptions / requestTimeout / connectTimeout as the common interface sees them',
      ).to.deep.include({
        connectTimeoutMs: 2000,
        requestTimeoutMs: 5000,
        retry: { retries: 8, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
      });
    }
    const settings = { groupId, topic, sessionTimeoutMs: 6000, autoCommitIntervalMs: 500 };
    await topicWithTwoMembers(driver, proxy.addresses, settings, members);
    const stream = new StreamProducer(driver.sender(proxy.addresses), topic, 3);
    stream.start();
    await until(() => stream.acknowledged.size >= 100, 'a first stretch acknowledged');
    const connectionsBeforeFaults = proxy.stats.connections;

    let resetConnections = 0;
    for (let i = 0; i < 3; i++) {
      resetConnections += proxy.resetConnections();
      await sleep(800);
    }
    proxy.setDelay(300);
    await sleep(2000);
    proxy.setDelay(0);
    proxy.setRefusing(true);
    resetConnections += proxy.resetConnections();
    await sleep(100);
    const acknowledgedWhileRefused = stream.acknowledged.size;
    await sleep(900);
    // Nothing can be acknowledged while the proxy refuses, unless a client went around it to a broker directly.
    expect(stream.acknowledged.size, 'acknowledgements while every connection is refused').to.equal(
      acknowledgedWhileRefused,
    );
    proxy.setRefusing(false);
    const acknowledgedAfterFaults = stream.acknowledged.size;

    await until(
      () => stream.acknowledged.size >= acknowledgedAfterFaults + 200,
      'the stream to go on after the faults',
      30000,
    );
    const consumed = () => members.flatMap((m) => m.messages);
    await settleAndDrain(stream, members, consumed);
    const result = tally(stream.counts, stream.acknowledged, consumed());
    const { stats } = proxy;
    report(
      'network faults',
      driver.label,
      result,
      `resetConnections=${resetConnections} delayedRequests=${stats.delayedRequests} refusedConnections=${stats.refused} proxiedConnections=${stats.connections} runtimeMs=${Date.now() - started}`,
      print,
    );
    expect(resetConnections, 'the resets cut live connections').to.be.greaterThan(0);
    expect(stats.delayedRequests, 'requests were delayed').to.be.greaterThan(0);
    expect(stats.connections, 'clients reconnected through the proxy').to.be.greaterThan(connectionsBeforeFaults);
    expectNothingLost(result, 300);
    for (const member of members.splice(0)) await member.close();
    await expectCommittedToEnd(resilientKafka(backend, proxy.addresses), groupId, topic);
  } finally {
    await closeMembersQuietly(members);
    await proxy.close();
    await broker.stop();
  }
}

describe('reliability/network faults through a proxy', function () {
  this.timeout(90000);
  // Each driver has its own cluster and proxy: the six scenarios run side by side, each `it` awaits its own.
  itSideBySide(
    DRIVERS,
    (driver) =>
      `${driver.label}: connection resets, delayed requests and refused connections lose nothing acknowledged`,
    networkFaults,
  );
});
