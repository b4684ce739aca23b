/**
 * Child-process entry: an embedded broker on a free port, so that it does not share a CPU core or an event loop with
 * the client being measured. Sends its addresses once listening; on 'stop' replies with its peak RSS and exits.
 */
import { silentLogger, startBroker } from '../broker';

export type BrokerProcessReply = { type: 'listening'; brokers: string[] } | { type: 'stopped'; peakRssMiB: number };

if (require.main === module && process.send) {
  void startBroker({ port: 0, logger: silentLogger }).then((broker) => {
    process.send!({ type: 'listening', brokers: broker.brokers } satisfies BrokerProcessReply);
    const stop = async (): Promise<void> => {
      await broker.stop();
      const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / (1024 * 1024);
      if (process.connected)
        process.send!({ type: 'stopped', peakRssMiB } satisfies BrokerProcessReply, () => process.exit(0));
      else process.exit(0);
    };
    process.on('message', (message: { type: string }) => {
      if (message.type === 'stop') void stop();
    });
    // The parent died or let go: do not linger.
    process.on('disconnect', () => void stop());
  });
}
