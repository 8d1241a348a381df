/**
 * Paced event polling for dawn.node, the `webgpu` package webrnn/node runs on.
 *
 * Why: dawn.node settles its promises (mapAsync, onSubmittedWorkDone, createComputePipelineAsync, popErrorScope) by
 * polling Dawn's events. While any of them is pending it calls `setImmediate` with a fresh native callback that
 * polls once and schedules itself again, back to back, so one core stays busy for the whole wait. On a machine with
 * a GPU that core would idle anyway. Where Dawn's Vulkan driver is SwiftShader, which runs the GPU's work on the
 * CPU, it is a core taken from that work: on a 2-core machine busy polls made the tutorial model's training step
 * 1.2–1.6× slower than paced ones, and slower than in headless Chromium, whose page waits idle
 * (bench/results/node-dawn-2026-12-07.md). On a hardware GPU the busy core costs nothing the GPU needs, and a paced
 * wait can end up to a millisecond late, so webrnn/node paces only on a CPU-emulated adapter unless told otherwise.
 *
 * What: while a paced runtime of webrnn/node lives, `globalThis.setImmediate` is a wrapper that passes every call
 * through unchanged except dawn.node's poll. That one is recognised as an anonymous function a native add-on made:
 * native code, no name, no parameters, and its own `prototype` (which the engine's built-ins, a promise's resolve
 * among them, lack). Polls run back to back for SPIN_MS from the start of a wait, so a short wait (a streaming step's
 * readback, under half a millisecond) keeps its latency; after that they run once a millisecond. dawn.node schedules
 * the first poll of a wait from the JavaScript call that began it (mapAsync, …) and every later one from inside the
 * previous poll, which is how the wrapper tells a new wait from a continuing one. A wait that begins while another is
 * still pending joins that one's polls, and with them their pace.
 *
 * The wrapper is counted: each paced runtime adds one holder and its dispose (or the loss of its device) takes it
 * away. With no holder left the wrapper passes everything through, and it puts Node's own setImmediate back unless
 * something wrapped it since. The choice is the process's: a runtime made with `dawnPolling: 'busy'` is paced too
 * while a paced one lives.
 */
/** createRuntime's dawnPolling choices in webrnn/node (src/node.ts). */
export const DAWN_POLLING = ['auto', 'paced', 'busy'] as const;
export type DawnPolling = (typeof DAWN_POLLING)[number];

/** Whether `choice` paces polls on an adapter that is (isFallback) or is not a CPU emulation: 'auto' paces only there. */
export function pacesPolling(choice: DawnPolling, isFallback: boolean): boolean {
  return choice === 'paced' || (choice === 'auto' && isFallback);
}

/** How long one wait polls back to back before it sleeps between polls, in milliseconds. */
export const SPIN_MS = 2;
/** The sleep between two polls after that. */
export const SLEEP_MS = 1;

type SetImmediate = typeof globalThis.setImmediate;

/** The process's one wrapper, while any runtime holds it. */
let installed: { original: SetImmediate; wrapper: SetImmediate; holders: number } | null = null;

/** True for an anonymous function a native add-on made (dawn.node's poll), false for JavaScript's and the engine's. */
export function isAddonCallback(fn: unknown): boolean {
  return (
    typeof fn === 'function' &&
    fn.name === '' &&
    fn.length === 0 &&
    Object.hasOwn(fn, 'prototype') &&
    Function.prototype.toString.call(fn).endsWith('{ [native code] }')
  );
}

/** The time and the sleep pacing uses; tests give their own. */
export interface PollClock {
  now(): number;
  sleep(poll: () => void, ms: number): unknown;
}
const realClock: PollClock = { now: () => performance.now(), sleep: (poll, ms) => setTimeout(poll, ms) };

/**
 * A setImmediate that paces polls (what `isPoll` picks: add-on functions) as the header says while `active()` holds,
 * and hands everything else to `original` unchanged.
 */
export function pacedSetImmediate(original: SetImmediate, isPoll = isAddonCallback, clock = realClock, active = () => true): SetImmediate {
  let waitStarted = 0;
  let inPoll = false;
  const wrapper = function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (!active() || !isPoll(callback)) return original(callback, ...args);
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
    // The caller still gets an Immediate (clearImmediate takes nothing else); it starts the sleep.
    return original(() => void clock.sleep(poll, SLEEP_MS));
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
    const state = { original, wrapper: original, holders: 0 };
    state.wrapper = pacedSetImmediate(original, isAddonCallback, realClock, () => state.holders > 0);
    installed = state;
    globalThis.setImmediate = state.wrapper;
  }
  installed.holders += 1;
  let released = false;
  return () => {
    if (released || !installed) return;
    released = true;
    installed.holders -= 1;
    if (installed.holders > 0) return;
    // Wrapped since by something else, the wrapper stays in that chain, passing everything through (holders is 0).
    if (globalThis.setImmediate === installed.wrapper) globalThis.setImmediate = installed.original;
    installed = null;
  };
}
