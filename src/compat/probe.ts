/**
 * `probe`: will kafka-node (and each backend) work on this cluster? Asks every broker for its ApiVersions with the
 * project's own protocol layer, then checks each request an engine would send, at the version it would pick, against
 * what every broker accepts. Nothing is produced or consumed.
 */
import { BACKEND_NAMES, type BackendName, type SaslOptions, type TlsOptions } from '../common/types';
import { apiKeyName, ApiKey } from '../protocol/api-keys';
import { decodeApiVersionsResponse, encodeApiVersionsRequest, type ApiVersionRange } from '../protocol/api-versions';
import { errorName } from '../protocol/error-codes';
import { decodeMetadataV0Brokers, encodeMetadataV0Request } from '../protocol/metadata';
import { exchange, NoAnswerError, parseAddress } from './broker-request';
import {
  engineOfBackend,
  isKafka4,
  KAFKA_0_9_API_RANGES,
  KAFKA_4_HIDDEN_MINIMUMS,
  KAFKA_NODE_REQUESTS,
  type EngineFacts,
  type EngineRequest,
  type RequestRole,
} from './engine-requests';

const CLIENT_ID = 'kafka-node-adapter-probe';
const DEFAULT_TIMEOUT_MS = 3000;

export type BrokerStatus = 'answered' | 'no-api-versions' | 'unreachable';

export interface BrokerVersions {
  address: string;
  /** From the cluster's metadata; null when the broker was not in it (or could not be asked). */
  nodeId: number | null;
  status: BrokerStatus;
  /** Why there are no ranges: the connection error, or what the broker did with ApiVersions. */
  detail: string | null;
  /** What the broker answered (sorted by API key); empty unless `status` is 'answered'. */
  apis: ApiVersionRange[];
  /** Apache Kafka 4.0 and later (KIP-896): Fetch starts at v4, Produce below v3 is refused whatever ApiVersions says. */
  kip896: boolean;
}

export interface RequestCheck {
  api: string;
  apiKey: number;
  /** The version the engine would send (per broker when they differ: the one of the first broker that refuses). */
  version: number;
  usedBy: string;
  role: RequestRole;
  accepted: boolean;
  /** True when the broker did not answer ApiVersions, so its ranges are Kafka 0.9.0's, assumed. */
  assumed: boolean;
  /** Why it is refused ("Produce v2 refused: ..."), or a note on an accepted one. */
  reason: string | null;
}

export type EngineStatus = 'works' | 'partial' | 'fails' | 'not-assessed';

export interface EngineVerdict {
  /** 'kafka-node' for the unchanged kafka-node program, else the backend name. */
  name: string;
  engine: string;
  status: EngineStatus;
  /** The first request that fails (a core one when the status is 'fails'). */
  firstFailure: string | null;
  summary: string;
  checks: RequestCheck[];
}

export interface ProbeReport {
  bootstrap: string[];
  tls: boolean;
  sasl: string | null;
  brokers: BrokerVersions[];
  /** The kafka-node 5.0.0 program as it is today. */
  kafkaNode: EngineVerdict;
  backends: EngineVerdict[];
  /** One paragraph: whether today's code works, the first request that fails, and what to do. */
  verdict: string;
}

export interface ProbeOptions {
  brokers: string[];
  ssl?: TlsOptions | boolean;
  sasl?: SaslOptions;
  backends?: readonly BackendName[];
  timeoutMs?: number;
}

let correlation = 0;

async function askApiVersions(address: string, options: ProbeOptions): Promise<Omit<BrokerVersions, 'nodeId'>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const body = await exchange(address, encodeApiVersionsRequest(0, ++correlation, CLIENT_ID), {
      ssl: options.ssl,
      timeoutMs,
    });
    const answer = decodeApiVersionsResponse(body, 0);
    if (answer.errorCode !== 0)
      return {
        address,
        status: 'no-api-versions',
        detail: `ApiVersions v0 answered with ${errorName(answer.errorCode)}`,
        apis: [],
        kip896: false,
      };
    const apis = [...answer.apis].sort((a, b) => a.apiKey - b.apiKey);
    return { address, status: 'answered', detail: null, apis, kip896: isKafka4(apis) };
  } catch (error) {
    if (error instanceof NoAnswerError) {
      // Kafka 0.9 ignores ApiVersions but answers Metadata v0; a listener that answers neither is not Kafka as spoken here.
      const speaksKafka = await exchange(address, encodeMetadataV0Request(++correlation, CLIENT_ID), {
        ssl: options.ssl,
        timeoutMs,
      }).then(
        () => true,
        () => false,
      );
      if (speaksKafka)
        return {
          address,
          status: 'no-api-versions',
          detail: `no ApiVersions answer (${error.message}): Apache Kafka 0.9 or older`,
          apis: [],
          kip896: false,
        };
      const hint = options.ssl
        ? 'not a Kafka listener, or one that wants other TLS settings'
        : 'not a Kafka listener, or one that needs TLS (--tls)';
      return {
        address,
        status: 'unreachable',
        detail: `connected, but no answer to ApiVersions or Metadata (${error.message}): ${hint}`,
        apis: [],
        kip896: false,
      };
    }
    return { address, status: 'unreachable', detail: (error as Error).message, apis: [], kip896: false };
  }
}

function sameBroker(address: string, host: string, port: number): boolean {
  const local = (name: string) => (name === 'localhost' ? '127.0.0.1' : name);
  const parsed = parseAddress(address);
  return parsed.port === port && local(parsed.host) === local(host);
}

/** ApiVersions of each bootstrap broker, then of every other broker the cluster's metadata lists. */
async function probeBrokers(options: ProbeOptions): Promise<BrokerVersions[]> {
  const brokers: BrokerVersions[] = [];
  for (const address of options.brokers) brokers.push({ ...(await askApiVersions(address, options)), nodeId: null });
  const reachable = brokers.find((b) => b.status !== 'unreachable');
  if (!reachable) return brokers;
  let members: { nodeId: number; host: string; port: number }[] = [];
  try {
    const body = await exchange(reachable.address, encodeMetadataV0Request(++correlation, CLIENT_ID), {
      ssl: options.ssl,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    members = decodeMetadataV0Brokers(body);
  } catch {
    return brokers;
  }
  for (const member of members) {
    const known = brokers.find((b) => sameBroker(b.address, member.host, member.port));
    if (known) known.nodeId = member.nodeId;
    else brokers.push({ ...(await askApiVersions(`${member.host}:${member.port}`, options)), nodeId: member.nodeId });
  }
  return brokers;
}

function versionFor(request: EngineRequest, broker: BrokerVersions, range: ApiVersionRange | undefined): number {
  if (request.fixed !== undefined) return request.fixed;
  if (broker.status !== 'answered') return request.withoutApiVersions ?? 0;
  return range ? Math.min(request.upTo!, range.maxVersion) : request.upTo!;
}

/** Whether `broker` takes `request` as the engine would send it; null reason when it does. */
function checkOnBroker(
  request: EngineRequest,
  broker: BrokerVersions,
  engine: EngineFacts,
): { version: number; refusal: string | null } {
  const api = apiKeyName(request.apiKey);
  if (broker.status === 'no-api-versions' && request.apiKey === ApiKey.ApiVersions) {
    return {
      version: request.fixed ?? 0,
      refusal: engine.worksWithoutApiVersions
        ? null
        : `ApiVersions not answered by ${broker.address}: ${engine.engine} needs Apache Kafka 0.10 or later`,
    };
  }
  const ranges = broker.status === 'answered' ? broker.apis : KAFKA_0_9_API_RANGES;
  const range = ranges.find((r) => r.apiKey === request.apiKey);
  const version = versionFor(request, broker, range);
  const before = request.onlyAfter && engine.requests.find((r) => r.apiKey === request.onlyAfter!.apiKey);
  if (
    before &&
    versionFor(
      before,
      broker,
      ranges.find((r) => r.apiKey === before.apiKey),
    ) < request.onlyAfter!.version
  )
    return { version, refusal: null };
  if (!range) return { version, refusal: `${api} v${version} refused: ${broker.address} does not offer ${api} at all` };
  if (request.from !== undefined && version < request.from) {
    return {
      version,
      refusal: `${api} refused: ${broker.address} offers up to v${range.maxVersion}, ${engine.engine} implements v${request.from} and later`,
    };
  }
  const hiddenMinimum = broker.kip896 ? KAFKA_4_HIDDEN_MINIMUMS[request.apiKey as ApiKey] : undefined;
  if (hiddenMinimum !== undefined && version < hiddenMinimum && version >= range.minVersion) {
    const listed = `its ApiVersions still lists ${api} v${range.minVersion}, but the broker closes the connection below v${hiddenMinimum}`;
    return { version, refusal: `${api} v${version} refused: Apache Kafka 4.x removed it (KIP-896; ${listed})` };
  }
  if (version < range.minVersion) {
    const why = broker.kip896
      ? 'Apache Kafka 4.x removed it (KIP-896)'
      : `${broker.address} accepts v${range.minVersion}-v${range.maxVersion}`;
    return { version, refusal: `${api} v${version} refused: ${why}` };
  }
  if (version > range.maxVersion)
    return { version, refusal: `${api} v${version} refused: ${broker.address} accepts up to v${range.maxVersion}` };
  return { version, refusal: null };
}

function checkEngine(engine: EngineFacts, brokers: BrokerVersions[], sasl: boolean): RequestCheck[] {
  const reached = brokers.filter((b) => b.status !== 'unreachable');
  return engine.requests
    .filter((request) => sasl || request.role !== 'sasl')
    .map((request) => {
      const results = reached.map((broker) => ({ broker, ...checkOnBroker(request, broker, engine) }));
      const refused = results.find((r) => r.refusal !== null);
      const shown = refused ?? results[0];
      const assumed = (refused ?? results[0])?.broker.status === 'no-api-versions';
      return {
        api: apiKeyName(request.apiKey),
        apiKey: request.apiKey,
        version: shown?.version ?? request.fixed ?? request.upTo ?? 0,
        usedBy: request.usedBy,
        role: request.role,
        accepted: !refused && results.length > 0,
        assumed,
        reason:
          refused?.refusal ??
          (assumed ? `assumed: Kafka 0.9.0 accepts ${apiKeyName(request.apiKey)} v${shown?.version ?? 0}` : null),
      };
    });
}

function engineVerdict(name: string, engine: EngineFacts, brokers: BrokerVersions[], sasl: boolean): EngineVerdict {
  const checks = checkEngine(engine, brokers, sasl);
  const blocking = checks.find((c) => !c.accepted && (c.role === 'core' || c.role === 'sasl'));
  const other = checks.find((c) => !c.accepted);
  if (brokers.every((b) => b.status === 'unreachable')) {
    return {
      name,
      engine: engine.engine,
      status: 'fails',
      firstFailure: 'no broker reachable',
      summary: 'no broker could be reached',
      checks,
    };
  }
  if (blocking)
    return {
      name,
      engine: engine.engine,
      status: 'fails',
      firstFailure: blocking.reason,
      summary: `fails: ${blocking.reason}`,
      checks,
    };
  if (other) {
    return {
      name,
      engine: engine.engine,
      status: 'partial',
      firstFailure: other.reason,
      summary: `producing and consuming work; ${other.usedBy} fails: ${other.reason}`,
      checks,
    };
  }
  return {
    name,
    engine: engine.engine,
    status: 'works',
    firstFailure: null,
    summary: 'every request it sends is accepted',
    checks,
  };
}

function writeVerdict(kafkaNode: EngineVerdict, backends: EngineVerdict[]): string {
  const working = backends.filter((b) => b.status === 'works').map((b) => `'${b.name}'`);
  const usable = backends.filter((b) => b.status !== 'fails' && b.status !== 'not-assessed').map((b) => `'${b.name}'`);
  if (kafkaNode.status === 'works') {
    return `kafka-node 5.0.0 works on this cluster: every request it sends is accepted. To switch engines, run \`kafka-node-adapter compat\` against it to compare them.`;
  }
  const first = kafkaNode.firstFailure ?? 'unknown';
  const advice =
    working.length > 0
      ? `What to do: run the same code on backend ${working.join(' or ')} (require 'kafka-node-adapter/kafka-node', or node -r kafka-node-adapter/register with KAFKA_NODE_BACKEND=${working[0]!.slice(1, -1)}), then check it with \`kafka-node-adapter compat\`.`
      : usable.length > 0
        ? `What to do: no backend fills that gap here (${usable.join(', ')} run${usable.length === 1 ? 's' : ''} with the gaps listed above); do what fails another way (for topics: the cluster's own tools).`
        : 'What to do: no engine of this adapter runs here; check the addresses, TLS and SASL settings, and the broker version.';
  if (kafkaNode.status === 'partial')
    return `kafka-node 5.0.0 produces and consumes on this cluster, but ${kafkaNode.summary.replace(/^producing and consuming work; /, '')}. ${advice}`;
  return `kafka-node 5.0.0 does not work on this cluster: ${first}. ${advice}`;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const brokers = await probeBrokers(options);
  const sasl = options.sasl !== undefined;
  const kafkaNode = engineVerdict('kafka-node', KAFKA_NODE_REQUESTS, brokers, sasl);
  const backends = (options.backends ?? BACKEND_NAMES).map((backend): EngineVerdict => {
    const engine = engineOfBackend(backend);
    if (!engine)
      return {
        name: backend,
        engine: backend,
        status: 'not-assessed',
        firstFailure: null,
        summary: 'the probe has no request table for this backend',
        checks: [],
      };
    return engineVerdict(backend, engine, brokers, sasl);
  });
  return {
    bootstrap: options.brokers,
    tls: Boolean(options.ssl),
    sasl: options.sasl ? options.sasl.mechanism : null,
    brokers,
    kafkaNode,
    backends,
    verdict: writeVerdict(kafkaNode, backends),
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function describeBroker(broker: BrokerVersions): string {
  const id = broker.nodeId === null ? '' : ` (node ${broker.nodeId})`;
  if (broker.status !== 'answered')
    return `${broker.address}${id}: ${broker.status === 'unreachable' ? 'unreachable' : 'ApiVersions not supported'}: ${broker.detail}`;
  const ranges = broker.apis.map((api) => `${apiKeyName(api.apiKey)} ${api.minVersion}-${api.maxVersion}`).join(', ');
  return `${broker.address}${id}: ApiVersions answered${broker.kip896 ? ' (Apache Kafka 4.x: KIP-896 minimums)' : ''}: ${ranges}`;
}

/** The terminal form of a probe: brokers, kafka-node's requests, each backend, the verdict. */
export function formatProbe(report: ProbeReport): string {
  const lines: string[] = [
    `Cluster (${report.brokers.length} broker${report.brokers.length === 1 ? '' : 's'}${report.tls ? ', TLS' : ''}${report.sasl ? `, SASL ${report.sasl}` : ''}):`,
  ];
  for (const broker of report.brokers) lines.push(`  ${describeBroker(broker)}`);
  lines.push('', `Requests ${report.kafkaNode.engine} sends, and whether this cluster accepts them:`);
  lines.push(`  ${pad('request', 18)}  ${pad('version', 7)}  ${pad('cluster', 8)}  used by`);
  for (const check of report.kafkaNode.checks) {
    const status = check.accepted ? (check.assumed ? 'assumed' : 'ok') : 'REFUSED';
    lines.push(
      `  ${pad(check.api, 18)}  ${pad(`v${check.version}`, 7)}  ${pad(status, 8)}  ${check.usedBy}${check.accepted ? '' : `\n  ${' '.repeat(39)}${check.reason}`}`,
    );
  }
  lines.push('', 'Engines on this cluster:');
  for (const verdict of [report.kafkaNode, ...report.backends]) {
    const label = verdict === report.kafkaNode ? 'kafka-node (today)' : `backend ${verdict.name}`;
    lines.push(`  ${pad(label, 20)}  ${pad(verdict.status, 12)}  ${verdict.summary}`);
  }
  lines.push('', `Verdict: ${report.verdict}`);
  return lines.join('\n');
}
