import { formatProbe, runProbe } from '../compat/probe';
import { brokerList, clientSettings, type ClientCommandOptions } from './client-options';
import { UsageError } from './usage-error';

export interface ProbeCommandOptions extends ClientCommandOptions {
  brokers?: string[];
  json?: boolean;
  timeout?: string;
}

/**
 * `kafka-node-adapter probe --brokers <list>`: prints what each broker accepts and whether kafka-node and each backend
 * can run there. Exit code 0 when every broker was reached (whatever the verdict), 1 when one was not.
 */
export async function runProbeCommand(
  options: ProbeCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const brokers = brokerList(options.brokers);
  if (brokers.length === 0) throw new UsageError('probe needs --brokers host:port[,host:port...]');
  const timeoutMs = options.timeout === undefined ? undefined : Number(options.timeout);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0))
    throw new UsageError(`--timeout ${options.timeout}: expected milliseconds`);
  const report = await runProbe({ brokers, ...clientSettings(options), timeoutMs });
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatProbe(report)}\n`);
  return report.brokers.some((broker) => broker.status === 'unreachable') ? 1 : 0;
}
