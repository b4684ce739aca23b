import { createHash } from 'crypto';

/**
 * What a parity scenario observed, in a form that compares equal across backends when behaviour is the same:
 * payloads rendered as text, namespaced topic and group names replaced by their short names, and events inside one
 * section sorted (partitions are consumed concurrently, so arrival order across partitions is not behaviour).
 */
export type TraceEvent =
  | { kind: 'sent'; topic: string; partition: number; key: string | null; value: string | null }
  | {
      kind: 'consumed';
      topic: string;
      partition: number;
      offset: number;
      key: string | null;
      value: string | null;
      headers: Record<string, string>;
    }
  | { kind: 'assignment'; member: string; partitions: string[] }
  | { kind: 'committed'; topic: string; partition: number; offset: number }
  | { kind: 'offsets'; topic: string; partition: number; earliest: number; latest: number }
  | { kind: 'error'; name: string; code: number | null }
  | { kind: 'fact'; name: string; value: string | number | boolean | null };

export interface TraceSection {
  name: string;
  events: string[];
}

const INLINE_LIMIT = 48;
const PRINTABLE_UTF8 = /^[^\p{Cc}\p{Cs}\uFFFD]*$/u;

/** Short, stable text for a payload: readable when it is short UTF-8, a length and digest otherwise. */
export function renderPayload(payload: Buffer | string | null | undefined): string | null {
  if (payload === null || payload === undefined) return null;
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (bytes.length <= INLINE_LIMIT) {
    const text = bytes.toString('utf8');
    if (PRINTABLE_UTF8.test(text) && Buffer.from(text, 'utf8').equals(bytes)) return `utf8:${text}`;
    return `hex:${bytes.toString('hex')}`;
  }
  return `bytes:${bytes.length}:sha1:${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}`;
}

export class Trace {
  private readonly sections: { name: string; events: TraceEvent[] }[] = [{ name: 'main', events: [] }];

  constructor(private readonly aliases: Map<string, string> = new Map()) {}

  /** Maps a namespaced topic or group name back to the scenario's short name in every recorded event. */
  alias(actualName: string, shortName: string): void {
    this.aliases.set(actualName, shortName);
  }

  section(name: string): void {
    this.sections.push({ name, events: [] });
  }

  record(event: TraceEvent): void {
    this.sections[this.sections.length - 1]!.events.push(event);
  }

  private unalias(event: TraceEvent): TraceEvent {
    if ('topic' in event) return { ...event, topic: this.aliases.get(event.topic) ?? event.topic };
    if (event.kind === 'assignment') {
      return {
        ...event,
        partitions: event.partitions.map((p) => {
          const at = p.lastIndexOf('/');
          const topic = p.slice(0, at);
          return `${this.aliases.get(topic) ?? topic}/${p.slice(at + 1)}`;
        }),
      };
    }
    return event;
  }

  /** Sections with their events as canonical JSON strings, sorted within each section. */
  normalized(): TraceSection[] {
    return this.sections
      .filter((s) => s.events.length > 0 || s.name !== 'main')
      .map((s) => ({ name: s.name, events: s.events.map((e) => canonicalJson(this.unalias(e))).sort() }));
  }

  get eventCount(): number {
    return this.sections.reduce((sum, s) => sum + s.events.length, 0);
  }
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface TraceDifference {
  section: string;
  index: number;
  reference: string | null;
  other: string | null;
}

/** The first place two normalized traces disagree, or null when they are the same. */
export function firstDifference(reference: TraceSection[], other: TraceSection[]): TraceDifference | null {
  const sectionCount = Math.max(reference.length, other.length);
  for (let s = 0; s < sectionCount; s++) {
    const a = reference[s];
    const b = other[s];
    if (!a || !b || a.name !== b.name) {
      return {
        section: a?.name ?? b?.name ?? '?',
        index: -1,
        reference: a ? `section ${a.name}` : null,
        other: b ? `section ${b.name}` : null,
      };
    }
    const eventCount = Math.max(a.events.length, b.events.length);
    for (let i = 0; i < eventCount; i++) {
      if (a.events[i] !== b.events[i])
        return { section: a.name, index: i, reference: a.events[i] ?? null, other: b.events[i] ?? null };
    }
  }
  return null;
}

export function describeDifference(difference: TraceDifference, referenceName: string, otherName: string): string {
  return [
    `first difference in section "${difference.section}"${difference.index >= 0 ? ` at event ${difference.index}` : ''}:`,
    `  ${referenceName}: ${difference.reference ?? '(nothing)'}`,
    `  ${otherName}: ${difference.other ?? '(nothing)'}`,
  ].join('\n');
}
