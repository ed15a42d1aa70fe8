/**
 * One stored line <-> one event. Encoding puts keys in FIELD_ORDER; decoding checks the type, the
 * required keys, that no unknown key is present and that times are in the stored form, so a line
 * that parses is an event the engine understands.
 */
import { FIELD_ORDER, REQUIRED_FIELDS, type EventType, type StoredEvent } from './events.js';
import { parseJson, stringifyJson, type JsonValue } from './json.js';
import { parseIsoTime } from './time.js';

const TIME_KEYS = new Set(['at', 'scheduled_at', 'lease_expires_at', 'pending_at', 'until', 'backoff_expires_at', 'expires_at']);

/** The line for an event, without the trailing newline. */
export function encodeEvent(event: StoredEvent): string {
  const order = FIELD_ORDER[event.type];
  if (!order) throw new TypeError(`unknown event type ${JSON.stringify((event as { type: unknown }).type)}`);
  const src = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) if (src[key] !== undefined) out[key] = src[key];
  for (const key of Object.keys(src)) {
    if (src[key] !== undefined && !(key in out)) throw new TypeError(`event ${event.type} has unknown key ${key}`);
  }
  return stringifyJson(out);
}

/** Why a line is not an event; the caller adds the file and line number. */
export class EventDecodeError extends Error {}

export function decodeEvent(line: string): StoredEvent {
  let value: JsonValue;
  try {
    value = parseJson(line);
  } catch (err) {
    throw new EventDecodeError(`not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EventDecodeError('expected a JSON object');
  const type = value.type;
  if (typeof type !== 'string' || !(type in FIELD_ORDER)) {
    throw new EventDecodeError(`unknown event type ${JSON.stringify(type)}: expected one of ${Object.keys(FIELD_ORDER).join(', ')}`);
  }
  const allowed = FIELD_ORDER[type as EventType];
  for (const key of REQUIRED_FIELDS[type as EventType]) {
    if (!(key in value)) throw new EventDecodeError(`event ${type} is missing required key ${key}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (!allowed.includes(key)) throw new EventDecodeError(`event ${type} has unknown key ${key}`);
    if (TIME_KEYS.has(key) && (typeof v !== 'string' || Number.isNaN(parseIsoTime(v)))) {
      throw new EventDecodeError(`event ${type}: ${key} must be a UTC time like 2026-11-21T19:40:00.000Z, got ${stringifyJson(v)}`);
    }
  }
  if (type === 'finished' || type === 'child-finished') {
    if (('result' in value) === ('failure' in value)) throw new EventDecodeError(`event ${type} must have exactly one of result and failure`);
  }
  return value as unknown as StoredEvent;
}
