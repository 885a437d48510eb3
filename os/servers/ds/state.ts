/** All of DS's state: the entries, and who subscribed to what with their pending changes. */

export type Value = string | number;
export type ChangeEvent = "set" | "delete";

/** One key: its value and the endpoint that created it. */
export class Entry {
  constructor(readonly key: string, public value: Value, public owner: number) {}
}

/** A change a subscriber has yet to fetch. */
export class Change {
  constructor(readonly key: string, readonly value: Value | null, readonly event: ChangeEvent) {}
}

/** A process with subscriptions: its patterns and its queue of changes, oldest first. */
export class Subscriber {
  readonly patterns: string[] = [];
  readonly queue: Change[] = [];
  /** Changes dropped because the queue was full, reported with the next one fetched. */
  lost = 0;

  constructor(readonly endpoint: number) {}

  /** Whether `key` matches a pattern: an exact key, or a prefix followed by "*". */
  wants(key: string): boolean {
    return this.patterns.some((p) => (p.endsWith("*") ? key.startsWith(p.slice(0, -1)) : key === p));
  }
}

export const entries = new Map<string, Entry>();
/** Subscribers by endpoint, in the order they first subscribed. */
export const subscribers = new Map<number, Subscriber>();
