/**
 * The deterministic WASI a workflow sees (lib/runtime/host/wasi.ts), interface by interface, with a
 * stand-in for the WorkflowContext (only executionId, now and isReplaying are read).
 */
import { describe, expect, it } from 'vitest';
import type { WorkflowContext } from '../../lib/runtime/context.js';
import type { LogLevel } from '../../lib/runtime/host/log.js';
import { deterministicWasi, InputStream, OutputStream, Pollable } from '../../lib/runtime/host/wasi.js';

type Fns = Record<string, (...args: any[]) => any>;

function fakeCtx(id = 'E_01JD0Z3T6W7Y8X9A0B1C2D3E4F', nowMs = Date.UTC(2026, 0, 1, 12, 0, 0, 250)) {
  const state = { nowMs, replaying: false };
  let n = 0;
  const ctx = { executionId: id, now: () => state.nowMs, isReplaying: () => state.replaying, logPosition: () => [0, n++] } as unknown as WorkflowContext;
  const lines: [LogLevel, string, number][] = [];
  const wasi = (ifc: string) => deterministicWasi({ ctx, log: (level, message, at) => lines.push([level, message, at]) }, ifc) as Fns;
  return { ctx, state, lines, wasi };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const payloadOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return (e as { payload?: unknown }).payload;
  }
  throw new Error('expected a throw');
};

describe('deterministic WASI', () => {
  it('randomness: the same sequence for the same execution, another for another', () => {
    const a1 = fakeCtx().wasi('wasi:random/random');
    const a2 = fakeCtx().wasi('wasi:random/random');
    const b = fakeCtx('E_01JD0Z3T6W7Y8X9A0B1C2D3E4G').wasi('wasi:random/random');
    const draw = (r: Fns) => [r.getRandomU64!(), r.getRandomU64!(), Array.from(r.getRandomBytes!(8n) as Uint8Array)];
    const first = draw(a1);
    expect(draw(a2)).toEqual(first);
    expect(draw(b)).not.toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    expect(typeof first[0]).toBe('bigint');
    expect((fakeCtx().wasi('wasi:random/random').getRandomBytes!(5n) as Uint8Array).length).toBe(5);
    const seed = fakeCtx().wasi('wasi:random/insecure-seed').insecureSeed!() as bigint[];
    expect(seed).toEqual(fakeCtx().wasi('wasi:random/insecure-seed').insecureSeed!());
  });

  it('clocks: wall clock is the workflow time; monotonic the same instant in ns; pollables ready', () => {
    const { state, wasi } = fakeCtx();
    const wall = wasi('wasi:clocks/wall-clock');
    const mono = wasi('wasi:clocks/monotonic-clock');
    expect(wall.now!()).toEqual({ seconds: BigInt(Date.UTC(2026, 0, 1, 12) / 1000), nanoseconds: 250_000_000 });
    expect(mono.now!()).toBe(BigInt(state.nowMs) * 1_000_000n);
    state.nowMs += 1500;
    expect(wall.now!().nanoseconds).toBe(750_000_000);
    expect(mono.now!()).toBe(BigInt(state.nowMs) * 1_000_000n);
    const p = mono.subscribeDuration!(10_000_000_000n) as Pollable;
    expect(p).toBeInstanceOf(Pollable);
    expect(p.ready()).toBe(true);
    expect(Array.from(wasi('wasi:io/poll').poll!([p, new Pollable(), mono.subscribeInstant!(0n)]) as Uint32Array)).toEqual([0, 1, 2]);
  });

  it('stdout and stderr: whole lines to the sink at the workflow time, none while replaying', () => {
    const { state, lines, wasi } = fakeCtx();
    const out = wasi('wasi:cli/stdout').getStdout!() as OutputStream;
    const err = wasi('wasi:cli/stderr').getStderr!() as OutputStream;
    expect(out).toBeInstanceOf(OutputStream);
    out.blockingWriteAndFlush(bytes('hello '));
    expect(lines).toEqual([]);
    out.write(bytes('world\nsecond\nthi'));
    err.blockingWriteAndFlush(bytes('oops\n'));
    // A second handle on stdout continues the same line buffer.
    (wasi('wasi:cli/stdout').getStdout!() as OutputStream).blockingWriteAndFlush(bytes('rd ✓\n'));
    state.replaying = true;
    out.blockingWriteAndFlush(bytes('replayed\n'));
    expect(lines).toEqual([
      ['stdout', 'hello world', state.nowMs], ['stdout', 'second', state.nowMs], ['stderr', 'oops', state.nowMs], ['stdout', 'third ✓', state.nowMs],
    ]);
    expect(out.checkWrite()).toBeGreaterThan(0n);
  });

  it('stdin is closed; no terminal, environment, arguments or preopened directories', () => {
    const { wasi } = fakeCtx();
    const stdin = wasi('wasi:cli/stdin').getStdin!() as InputStream;
    expect(payloadOf(() => stdin.read(10n))).toEqual({ tag: 'closed' });
    expect(payloadOf(() => stdin.blockingRead(10n))).toEqual({ tag: 'closed' });
    for (const t of ['stdin', 'stdout', 'stderr']) {
      const name = `getTerminal${t[0]!.toUpperCase()}${t.slice(1)}`;
      expect(wasi(`wasi:cli/terminal-${t}`)[name]!()).toBeUndefined();
    }
    const env = wasi('wasi:cli/environment');
    expect([env.getEnvironment!(), env.getArguments!(), env.initialCwd!()]).toEqual([[], [], undefined]);
    expect(wasi('wasi:filesystem/preopens').getDirectories!()).toEqual([]);
    expect(wasi('wasi:filesystem/types').filesystemErrorCode!({})).toBeUndefined();
    expect(() => wasi('wasi:cli/exit').exit!({ tag: 'ok' })).toThrow(/wasi:cli\/exit/);
  });

  it('every interface a componentize-js workflow imports has what its glue reads', () => {
    const { wasi } = fakeCtx();
    const needs: Record<string, string[]> = {
      'wasi:io/poll': ['Pollable', 'poll'], 'wasi:io/error': ['Error'], 'wasi:io/streams': ['InputStream', 'OutputStream'],
      'wasi:cli/stdin': ['getStdin'], 'wasi:cli/stdout': ['getStdout'], 'wasi:cli/stderr': ['getStderr'],
      'wasi:cli/terminal-input': ['TerminalInput'], 'wasi:cli/terminal-output': ['TerminalOutput'],
      'wasi:cli/terminal-stdin': ['getTerminalStdin'], 'wasi:cli/terminal-stdout': ['getTerminalStdout'], 'wasi:cli/terminal-stderr': ['getTerminalStderr'],
      'wasi:clocks/monotonic-clock': ['now', 'subscribeDuration', 'subscribeInstant'], 'wasi:clocks/wall-clock': ['now'],
      'wasi:filesystem/types': ['Descriptor', 'filesystemErrorCode'], 'wasi:filesystem/preopens': ['getDirectories'],
      'wasi:random/random': ['getRandomBytes', 'getRandomU64'],
    };
    for (const [ifc, names] of Object.entries(needs)) {
      for (const n of names) expect(typeof wasi(ifc)[n], `${ifc}.${n}`).toBe('function');
    }
  });

  it('offers nothing for the network', () => {
    const { wasi } = fakeCtx();
    expect(wasi('wasi:sockets/tcp')).toEqual({});
    expect(wasi('wasi:http/outgoing-handler')).toEqual({});
  });
});
