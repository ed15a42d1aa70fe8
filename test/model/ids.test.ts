import { describe, expect, it } from 'vitest';
import {
  childExecutionId, delayId, executionDirName, executionIdFromDirName, generatedJoinSetId, namedJoinSetId,
  newExecutionId, oneOffJoinSetId, parentOf, parseExecutionId, rootOf,
} from '../../lib/model/ids.js';
import { SeededRandom } from '../../lib/model/random.js';
import { InputError } from '../../lib/model/errors.js';
import { parseFfqn } from '../../lib/model/ffqn.js';
import { decodeEvent, encodeEvent } from '../../lib/model/event-codec.js';
import { parseJson, stringifyJson } from '../../lib/model/json.js';

describe('execution ids', () => {
  const root = newExecutionId(Date.UTC(2026, 10, 21), new SeededRandom('seed'));

  it('derives child and delay ids as Obelisk does and parses them back', () => {
    expect(root).toMatch(/^E_[0-9A-HJKMNP-TV-Z]{26}$/);
    const child = childExecutionId(root, generatedJoinSetId(1), 1);
    expect(child).toBe(`${root}.g:1_1`);
    const nested = childExecutionId(child, namedJoinSetId('batch'), 3);
    expect(parseExecutionId(nested)).toBe(`${root}.g:1_1.n:batch_3`);
    expect(parentOf(nested)).toEqual({ parent: child, joinSetId: 'n:batch', index: 3 });
    expect(parentOf(root)).toBeUndefined();
    expect(rootOf(nested)).toBe(root);
    expect(delayId(root, oneOffJoinSetId(2, 'sleep'), 1)).toBe(`Delay_${root.slice(2)}.o:2-sleep_1`);
  });

  it('is reproducible from the same time and seed', () => {
    expect(newExecutionId(Date.UTC(2026, 10, 21), new SeededRandom('seed'))).toBe(root);
  });

  it.each(['E_../../etc', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F/..', '../E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F.g:1_1/x', '', 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F.n:a..b_1'])(
    'rejects %j before it can become a path', (bad) => {
      expect(() => parseExecutionId(bad)).toThrow(InputError);
    });

  it('keeps a named join set with `/` inside one folder name', () => {
    const child = childExecutionId(root, namedJoinSetId('a/b'), 1);
    const dir = executionDirName(child);
    expect(dir).not.toContain('/');
    expect(executionIdFromDirName(dir)).toBe(child);
  });
});

describe('ffqn', () => {
  it('splits at the last dot, after any version', () => {
    expect(parseFfqn('template-fibo:workflow/fibo-workflow-ifc@1.2.3.fiboa')).toMatchObject({
      ifc: 'template-fibo:workflow/fibo-workflow-ifc@1.2.3', fn: 'fiboa', namespace: 'template-fibo', pkg: 'workflow', version: '1.2.3',
    });
    expect(() => parseFfqn('no-dot')).toThrow(/expected namespace:package\/interface/);
  });
});

describe('stored lines', () => {
  it('put type first and keep u64 values exact', () => {
    const line = encodeEvent({
      component_digest: 'sha256:00', params: [18446744073709551615n, 1], ffqn: 'a:b/c.d', scheduled_at: '2026-11-21T00:00:00.000Z', at: '2026-11-21T00:00:00.000Z', type: 'created',
    });
    expect(line).toBe('{"type":"created","at":"2026-11-21T00:00:00.000Z","ffqn":"a:b/c.d","params":[18446744073709551615,1],"scheduled_at":"2026-11-21T00:00:00.000Z","component_digest":"sha256:00"}');
    expect(decodeEvent(line)).toMatchObject({ type: 'created', params: [18446744073709551615n, 1] });
    expect(stringifyJson(parseJson(line))).toBe(line);
  });

  it('rejects unknown types, unknown keys and bad times', () => {
    expect(() => decodeEvent('{"type":"nope","at":"x"}')).toThrow(/unknown event type/);
    expect(() => decodeEvent('{"type":"cancel-requested","at":"2026-11-21T00:00:00.000Z","by":"cli","extra":1}')).toThrow(/unknown key extra/);
    expect(() => decodeEvent('{"type":"cancel-requested","at":"yesterday","by":"cli"}')).toThrow(/UTC time/);
    expect(() => decodeEvent('{"type":"cancel-requ')).toThrow(/not JSON/);
  });
});
