/** Time is passed in: production uses the system clock, tests a simulated one. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The stored form of a time: UTC ISO-8601 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads a stored time; returns NaN when it is not in the stored form. */
export function parseIsoTime(text: string): number {
  return ISO.test(text) ? Date.parse(text) : Number.NaN;
}
