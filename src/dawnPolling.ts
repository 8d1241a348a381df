/**
 * Paced event polling for dawn.node, the `webgpu` package webrnn/node runs on.
 *
 * Why: dawn.node settles its promises (mapAsync, onSubmittedWorkDone, createComputePipelineAsync, popErrorScope) by
 * polling Dawn's events. While any of them is pending it calls `setImmediate` with a fresh native callback that
 * polls once and schedules itself again, back to back, so one core stays busy for the whole wait. On a machine with
 * a GPU that core would idle anyway. Where Dawn's Vulkan driver is SwiftShader, which runs the GPU's work on the
 * CPU, it is a core taken from that work: on a 2-core machine the tutorial model's training step took 69–80 ms with
 * busy polls and 45–48 ms with paced ones (headless Chromium, whose page waits idle: 50–55 ms). On a hardware GPU the
 * busy core costs nothing the GPU needs, and a paced wait can end up to a millisecond late, so webrnn/node paces only
 * on a CPU-emulated adapter unless told otherwise.
 *
 * What: while a Dawn runtime of webrnn/node lives, `globalThis.setImmediate` is a wrapper that passes every call
 * through unchanged except dawn.node's poll. That one is recognised as a native add-on's function: native code, its
 * own `prototype` (which built-ins such as a promise's resolve lack) and no parameters. A wait's polls run back to
 * back for its first SPIN_MS, so a short wait (a streaming step's readback, under half a millisecond) keeps its
 * latency; after that the wait polls once a millisecond. A wait's first poll is scheduled by the JavaScript call that
 * began it and the later ones from inside the previous poll, which is how a new wait is told from a continuing one.
 *
 * The wrapper is counted: each runtime adds one and its dispose takes it away, and the last one puts the original
 * back (unless something replaced the wrapper since). `createRuntime({ dawnPolling: 'busy' })` leaves Node alone;
 * `'paced'` paces on any adapter.
 */
/** How long one wait polls back to back before it sleeps between polls, in milliseconds. */
export const SPIN_MS = 2;
/** The sleep between two polls after that. */
export const SLEEP_MS = 1;

type SetImmediate = typeof globalThis.setImmediate;

/** The process's one wrapper, while any runtime holds it. */
let installed: { original: SetImmediate; wrapper: SetImmediate; holders: number } | null = null;

/** True for a function a native add-on made (dawn.node's poll), false for JavaScript's and the engine's own. */
export function isAddonCallback(fn: unknown): boolean {
  return typeof fn === 'function' && fn.length === 0 && Object.hasOwn(fn, 'prototype') && Function.prototype.toString.call(fn).endsWith('{ [native code] }');
}

/** The time and the sleep pacing uses; tests give their own. */
export interface PollClock {
  now(): number;
  sleep(poll: () => void, ms: number): unknown;
}
const realClock: PollClock = { now: () => performance.now(), sleep: (poll, ms) => setTimeout(poll, ms) };

/**
 * A setImmediate that paces polls (what `isPoll` picks: add-on functions) as the header says and hands everything
 * else to `original` unchanged.
 */
export function pacedSetImmediate(original: SetImmediate, isPoll = isAddonCallback, clock = realClock): SetImmediate {
  let waitStarted = 0;
  let inPoll = false;
  const wrapper = function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (!isPoll(callback)) return original(callback, ...args);
    const now = clock.now();
    if (!inPoll) waitStarted = now;
    const poll = () => {
      inPoll = true;
      try {
        callback(...args);
      } finally {
        inPoll = false;
      }
    };
    if (now - waitStarted < SPIN_MS) return original(poll);
    // dawn.node ignores what setImmediate returns, so a Timeout in place of an Immediate is never seen.
    return clock.sleep(poll, SLEEP_MS) as NodeJS.Immediate;
  };
  // Node's own properties (util.promisify.custom: `promisify(setImmediate)`) keep working through the wrapper.
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  return wrapper as SetImmediate;
}

/**
 * Paces dawn.node's polls in this process until the returned release is called (once per holder; later calls do
 * nothing). Safe to hold from several runtimes at once.
 */
export function paceDawnPolling(): () => void {
  if (!installed) {
    const original = globalThis.setImmediate;
    installed = { original, wrapper: pacedSetImmediate(original), holders: 0 };
    globalThis.setImmediate = installed.wrapper;
  }
  installed.holders += 1;
  let released = false;
  return () => {
    if (released || !installed) return;
    released = true;
    installed.holders -= 1;
    if (installed.holders > 0) return;
    if (globalThis.setImmediate === installed.wrapper) globalThis.setImmediate = installed.original;
    installed = null;
  };
}
