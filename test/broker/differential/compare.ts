/** Runs one scenario on the embedded broker and on a real broker, and holds both to equality or to the documented difference. */
import { expect } from 'chai';
import { describeError } from './clients';
import { runScenario, type Scenario, type Target } from './scenario';
import { onceMoreOnQuirk } from '../../fixtures/rdkafka-mock';

/** The outcome of `run` as a value, so that a failing side never cuts the other short. */
async function settled<T>(run: Promise<T>): Promise<PromiseSettledResult<T>> {
  const [outcome] = await Promise.allSettled([run]);
  return outcome!;
}

function pick(value: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
}

function omit(value: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

export async function compare(definition: Scenario<object>, embedded: Target, real: Target): Promise<void> {
  // Both sides always run to their end (a failing side must not leave the other's clients running into later tests).
  const [embeddedRun, realRun] = await Promise.all([
    settled(runScenario(definition, embedded)),
    onceMoreOnQuirk(
      real.knownQuirk,
      `${real.kind}: ran the scenario`,
      () => settled(runScenario(definition, real)),
      (run) => (run.status === 'rejected' ? describeError(run.reason) : null),
    ),
  ]);
  if (embeddedRun.status === 'rejected' || realRun.status === 'rejected') {
    const failures = [
      embeddedRun.status === 'rejected' ? `embedded broker: ${describeError(embeddedRun.reason)}` : null,
      realRun.status === 'rejected' ? `${real.kind}: ${describeError(realRun.reason)}` : null,
    ].filter((line) => line !== null);
    throw new Error(`scenario did not complete\n  ${failures.join('\n  ')}`);
  }
  const embeddedResult = embeddedRun.value;
  const realResult = realRun.value;
  if (process.env.DIFFERENTIAL_DEBUG) {
    console.log(
      JSON.stringify({ scenario: definition.name, embedded: embeddedResult, [real.kind]: realResult }, null, 1),
    );
  }
  const difference = definition.differences?.[real.kind];
  if (!difference) {
    expect(embeddedResult, `embedded broker vs ${real.kind}`).to.deep.equal(realResult);
    return;
  }
  const keys = [...new Set([...Object.keys(difference.real), ...Object.keys(difference.embedded)])];
  expect(pick(realResult, keys), `${real.kind}, documented: ${difference.why}`).to.deep.equal(difference.real);
  expect(pick(embeddedResult, keys), `embedded broker, where ${real.kind} differs: ${difference.why}`).to.deep.equal(
    difference.embedded,
  );
  expect(omit(embeddedResult, keys), `embedded broker vs ${real.kind} (other fields)`).to.deep.equal(
    omit(realResult, keys),
  );
}
