/**
 * src/dawnPolling.ts, webrnn/node's paced polling for dawn.node: which functions count as dawn.node's polls, how one
 * wait's polls go from back to back to asleep between polls (on a clock the test turns), that everything else
 * passes through setImmediate untouched, and that the wrapper comes off when its last holder lets go. Runs in Node
 * with no GPU: the add-on function it recognises is the `webgpu` package's own `create`, made by dawn.node as its
 * polls are. That real runtimes are paced, and train as busy-polling ones do, is test/nodeEntry.gpu.test.ts's.
 */
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SLEEP_MS, SPIN_MS, isAddonCallback, paceDawnPolling, pacedSetImmediate, type PollClock } from '../src/dawnPolling';

describe("dawn.node's polls are told from everything else", () => {
  it("an add-on's anonymous function counts; JavaScript's, bound, built-in and named functions do not", async () => {
    const { create } = (await import('webgpu')) as { create: unknown };
    expect(isAddonCallback(create)).toBe(true);
    let resolve: unknown;
    void new Promise((r) => (resolve = r));
    for (const fn of [() => {}, function named() {}, (() => {}).bind(null), Math.max, Map, resolve, class A {}, 'not a function'])
      expect(isAddonCallback(fn)).toBe(false);
  });
});

/** A wrapper over recording stand-ins: `original` and `sleep` keep what they were given; the clock reads `t`. */
function pacedHarness() {
  const immediate: (() => void)[] = [];
  const slept: { poll: () => void; ms: number }[] = [];
  const clock = { t: 0, now: () => clock.t, sleep: (poll: () => void, ms: number) => slept.push({ poll, ms }) } as PollClock & { t: number };
  const original = ((fn: (...a: unknown[]) => void, ...args: unknown[]) => immediate.push(() => fn(...args))) as unknown as typeof setImmediate;
  const polls = new Set<unknown>();
  const state = { active: true };
  const wrapped = pacedSetImmediate(
    original,
    (fn) => polls.has(fn),
    clock,
    () => state.active,
  );
  return { immediate, slept, clock, wrapped, polls, state };
}

describe('a wait polls back to back, then sleeps between polls', () => {
  it('from the first poll for SPIN_MS, then once every SLEEP_MS, and a new wait starts back to back again', () => {
    const h = pacedHarness();
    let calls = 0;
    // dawn.node's poll: polls once and, while its wait goes on, schedules itself again from inside.
    const poll = () => {
      calls += 1;
      h.wrapped(poll);
    };
    h.polls.add(poll);
    h.wrapped(poll); // the call that begins a wait (mapAsync), at t = 0
    expect(h.immediate).toHaveLength(1);
    h.clock.t = SPIN_MS / 2;
    h.immediate.shift()!(); // within SPIN_MS: the next poll back to back
    expect([h.immediate.length, h.slept.length]).toEqual([1, 0]);
    h.clock.t = SPIN_MS + 0.1;
    h.immediate.shift()!(); // past it: the next poll sleeps, started from an Immediate (what clearImmediate takes)
    expect(h.slept).toHaveLength(0);
    h.immediate.shift()!();
    expect(h.immediate).toHaveLength(0);
    expect(h.slept.map((s) => s.ms)).toEqual([SLEEP_MS]);
    h.clock.t = SPIN_MS + 5;
    h.slept.shift()!.poll(); // a poll that slept and found the wait still on sleeps again
    h.immediate.shift()!();
    expect(h.slept).toHaveLength(1);
    expect(calls).toBe(3);

    // That wait ended (its last poll did not reschedule). A new one begins from JavaScript, much later: back to back.
    h.slept.length = 0;
    h.clock.t = 100;
    h.wrapped(poll);
    expect([h.immediate.length, h.slept.length]).toEqual([1, 0]);
  });

  it('other callbacks go to the original setImmediate at once, with their arguments', () => {
    const h = pacedHarness();
    const seen: unknown[] = [];
    const other = (a: unknown, b: unknown) => seen.push(a, b);
    h.clock.t = 50;
    (h.wrapped as unknown as (fn: unknown, ...args: unknown[]) => void)(other, 1, 'two');
    expect(h.slept).toHaveLength(0);
    expect(h.immediate).toHaveLength(1);
    h.immediate.shift()!();
    expect(seen).toEqual([1, 'two']);
  });

  it('with no holder left, polls pass through too', () => {
    const h = pacedHarness();
    const poll = () => h.wrapped(poll);
    h.polls.add(poll);
    h.state.active = false;
    h.wrapped(poll);
    h.clock.t = SPIN_MS * 10;
    h.immediate.shift()!(); // inside a poll, long past SPIN_MS: still back to back
    expect([h.immediate.length, h.slept.length]).toEqual([1, 0]);
  });
});

describe("the wrapper on Node's setImmediate", () => {
  it('is on while a holder holds it, keeps setImmediate working, and comes off after the last release', async () => {
    const node = globalThis.setImmediate;
    const releaseA = paceDawnPolling();
    const releaseB = paceDawnPolling();
    try {
      expect(globalThis.setImmediate).not.toBe(node);
      // A JavaScript callback and util.promisify(setImmediate) behave as Node's own.
      const args = await new Promise((resolve) => setImmediate((...a: unknown[]) => resolve(a), 'x', 2));
      expect(args).toEqual(['x', 2]);
      expect(await promisify(setImmediate)('value')).toBe('value');
      releaseA();
      releaseA(); // a second release of one holder does nothing
      expect(globalThis.setImmediate).not.toBe(node);
    } finally {
      releaseB();
    }
    expect(globalThis.setImmediate).toBe(node);
  });

  it('wrapped since by something else, it stays in that chain and, released, passes everything through', () => {
    const node = globalThis.setImmediate;
    const release = paceDawnPolling();
    const ours = globalThis.setImmediate;
    const outer = ((...a: Parameters<typeof setImmediate>) => ours(...a)) as typeof setImmediate;
    globalThis.setImmediate = outer;
    try {
      release();
      expect(globalThis.setImmediate).toBe(outer); // not ours to take off
    } finally {
      globalThis.setImmediate = node;
    }
  });
});
