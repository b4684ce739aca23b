/**
 * Every method on the prototypes of kafka-node 5's public classes (lib/*.js, what services can call beyond its type
 * declarations) is either served by the facade's class of the same name or refused by it: a refusal throws
 * KafkaNodeInternalMethodError naming the class, the method and what to use, reports warning
 * internal-method.<Class>.<method> (an ADAPTER_WARNINGS template), and `scan` rates the call unsupported under it.
 */
import { expect } from 'chai';
import { EventEmitter } from 'events';
import * as kafkaNode from 'kafka-node';
import { Duplex, Readable, Transform, Writable } from 'stream';
import * as facade from '../../src/adapter';
import { isRefusal, KafkaNodeInternalMethodError } from '../../src/adapter/internal-methods';
import { resetWarnings, setWarningHandler, type AdapterWarning } from '../../src/adapter/warnings';
import { adapterWarningKey, lookupMethod, type KafkaNodeClass } from '../../src/migration/compatibility';

const CLASSES = [
  'KafkaClient',
  'Producer',
  'HighLevelProducer',
  'ProducerStream',
  'Consumer',
  'ConsumerStream',
  'ConsumerGroup',
  'ConsumerGroupStream',
  'Offset',
  'Admin',
] as const;

/** Node's own EventEmitter and stream methods: inherited the same way by both sides, not kafka-node's. */
const NODE_METHODS = new Set<string>();
for (const base of [EventEmitter, Readable, Writable, Transform, Duplex, Object])
  for (let proto: object | null = base.prototype; proto; proto = Object.getPrototypeOf(proto) as object | null)
    for (const name of Object.getOwnPropertyNames(proto)) NODE_METHODS.add(name);

function prototypeMethods(cls: { prototype: object }): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = cls.prototype;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  )
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
      if (typeof descriptor.value === 'function' && name !== 'constructor' && !NODE_METHODS.has(name)) names.add(name);
    }
  return [...names].sort();
}

describe("adapter: kafka-node's prototype methods beyond its types are served or refused by name", () => {
  const counts: string[] = [];
  after(() => console.log(`      prototype methods (served/refused of kafka-node's): ${counts.join(', ')}`));
  afterEach(() => {
    setWarningHandler(null);
    resetWarnings();
  });

  for (const className of CLASSES) {
    it(`${className}: every method of kafka-node's prototype chain`, () => {
      const real = (kafkaNode as unknown as Record<string, { prototype: object }>)[className]!;
      const ours = (facade as unknown as Record<string, { prototype: Record<string, unknown> }>)[className]!;
      const problems: string[] = [];
      let served = 0;
      let refused = 0;
      for (const method of prototypeMethods(real)) {
        const implementation = ours.prototype[method];
        if (typeof implementation !== 'function') {
          problems.push(`${method}: neither served nor refused`);
          continue;
        }
        if (!isRefusal(implementation)) {
          served += 1;
          continue;
        }
        refused += 1;
        const warnings: AdapterWarning[] = [];
        setWarningHandler((warning) => warnings.push(warning));
        resetWarnings();
        let thrown: unknown = null;
        try {
          (implementation as () => unknown).call(Object.create(ours.prototype));
        } catch (error) {
          thrown = error;
        }
        const name = `internal-method.${className}.${method}`;
        if (!(thrown instanceof KafkaNodeInternalMethodError) || !thrown.message.startsWith(`${className}#${method} `))
          problems.push(`${method}: refused without KafkaNodeInternalMethodError naming it (${String(thrown)})`);
        else if (!/; use .+/.test(thrown.message)) problems.push(`${method}: the error names no alternative`);
        if (warnings.map((w) => w.name).join() !== name) problems.push(`${method}: warned ${JSON.stringify(warnings)}`);
        if (adapterWarningKey(name) !== 'internal-method.<Class>.<method>')
          problems.push(`${method}: ${name} is not in ADAPTER_WARNINGS`);
        const rating = lookupMethod(className as KafkaNodeClass, method);
        if (rating.status !== 'unsupported' || !rating.warnings?.includes(name))
          problems.push(`${method}: scan rates it ${rating.status} (${rating.note})`);
      }
      counts.push(`${className} ${served}/${refused}`);
      expect(problems).to.deep.equal([]);
      expect(served + refused).to.be.greaterThan(0);
    });
  }
});
