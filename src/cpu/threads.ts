/**
 * The wasm backend's threads: a predict's or a training step's rows split between the calling thread and workers,
 * data-parallel. A recurrent layer, a Dense, an Embedding, every layer the wasm backend runs, computes each batch row
 * on its own, so a model without kept states gives every row the same output whichever thread computes it, and a
 * training step without dropout the same gradient, once each share's is weighed by its part of the batch. Each
 * worker (./threadWorker.ts) holds its own copy of the model's layers and parameters, laid out in its own WebAssembly
 * memory as the calling thread's are; rows go in and outputs or gradients come back through SharedArrayBuffer,
 * which is why threads need a cross-origin isolated page (wasmInstance.ts's threadsUnavailableBecause).
 *
 *   predict:  split the rows → each worker: its parameters if they changed, then its rows → the first share here
 *             → wait for the workers' shares (spinning on shared signals first, SPIN_MS)
 *   training: the same, each thread's share giving its gradients and loss sums → rescaled to the whole batch's
 *             mean and summed → one update (penalties, clipping, optimizer) here
 *
 * Only work worth it splits (worthSplitting). A runtime owns its pool (Runtime.threadPool), started by the first call
 * that splits and ended by dispose(). In Node the workers hold the process open only while a call waits on them.
 */
import { DisposedError, OutOfMemoryError, WorkerError, rebuildError, type SerializedError } from '../errors';
import type { JsonObject } from '../io/types';
import type { Layer } from '../layers/layer';
import type { ParameterArena } from '../model/arena';
import { sequentialTopology } from '../model/kerasLayers';
import type { Compiled } from '../model/training';
import type { CpuModel } from './model';
import type { CpuTrainer, LossRows } from './training';
import { inWebWorker, nodeModule } from './wasmInstance';

/** `rows` samples of x through the model, `batchSize` at a time, into `out` (both on a SharedArrayBuffer). */
interface ForwardShare {
  op: 'forward';
  x: Float32Array;
  out: Float32Array;
  rows: number;
  batchSize: number;
  inputShape: number[];
}

/**
 * The gradients of `rows` training samples (x and y on a SharedArrayBuffer) through the model compiled so, into
 * `grads` [total]; `acc` gets the loss and metric sums as the trainer's accumulator has them, then its LossRows.
 */
interface GradientsShare {
  op: 'gradients';
  compiled: Compiled;
  x: Float32Array;
  y: Float32Array;
  rows: number;
  inputShape: number[];
  grads: Float32Array;
  acc: Float32Array;
}

/** What every share's message carries besides its own: its call, its model, the pool's signals and its pair in them. */
interface ShareCall {
  call: number;
  id: number;
  signal: Int32Array;
  slot: number;
}

/** What the calling thread tells a worker. */
export type ThreadCall =
  /** Hold model `id`: these layers (a Sequential's topology), their parameters laid out in `total` floats. */
  | { op: 'model'; id: number; topology: JsonObject; total: number }
  /** Model `id`'s parameters (all of them), of which these layers' changed. */
  | { op: 'params'; id: number; params: Float32Array; layers: number[] }
  | (ForwardShare & ShareCall)
  | (GradientsShare & ShareCall)
  | { op: 'drop'; id: number };

/** What a worker answers: once when it listens, then once per forward or gradients call, done or failed. */
export type ThreadReply = { op: 'ready' } | { op: 'done'; call: number } | { op: 'failed'; call: number; error: SerializedError };

/** A model as the pool sees it: its layers and the arena its parameters live in (a Sequential's). */
export interface ThreadedModel {
  name: string;
  layers: readonly Layer[];
  arena: ParameterArena;
}

/**
 * Fewest rows a thread takes, and the least work (rows × timesteps × parameters, about the multiply-adds) worth a
 * split, for predict and training alike. Measured on this project's 2-core machine: the large case (64 rows, 1.9 G)
 * ran 1.8–2× faster on two threads (predict 191–209 ms against 364–378 in Chromium; a training step 506–561 against
 * 939–943), while the tutorial model (32 rows, 21 M) ran slower split: its predict 9.6–11 ms against 2.3–3.3 in
 * Chromium, where the two threads' shares of a few milliseconds each stretched to 1.3–7 ms and 0.1–19 ms, and its
 * training step 10.9–14 against 8.1–9.7 ms in Node. 134 M is about 16 ms of one thread's work.
 */
const MIN_ROWS = 4;
export const MIN_WORK = 2 ** 27;

/** Whether a predict or a training step of `count` samples of `timesteps` steps (null: not a sequence) through `params` parameters is worth splitting. */
export function worthSplitting(count: number, timesteps: number | null, params: number): boolean {
  return count >= 2 * MIN_ROWS && count * (timesteps ?? 1) * params >= MIN_WORK;
}

/**
 * How long a thread spins on the shared signals before it waits on messages: the calling thread for the workers'
 * shares after its own, and in Node a worker for the next call after its last one. Measured on this project's 2-core
 * VM: in Node a worker that sleeps is slow to wake (the tutorial predict's median on two threads was 2.7 ms against
 * 1.3 at best; spinning, 1.65), while in Chromium a worker spinning in its message handler got the next message
 * 4.1 ms later (median of 50 round trips) against 0.06 ms when it returns at once, so a page's workers do not spin.
 */
export const SPIN_MS = 2;

/** Whether a worker spins after a call (SPIN_MS): in Node only. */
export const WORKER_SPINS = !inWebWorker;

/** `count` rows split into at most `threads` contiguous shares of MIN_ROWS or more, as even as they go. */
export function shareRows(count: number, threads: number): number[] {
  const k = Math.max(1, Math.min(threads, Math.floor(count / MIN_ROWS)));
  return Array.from({ length: k }, (_, i) => Math.floor(count / k) + (i < count % k ? 1 : 0));
}

/** A share posted to a worker: its rows [from, from + rows) after the calling thread's, the index-th such share. */
interface Posted {
  thread: Thread;
  call: number;
  done: Promise<void>;
  from: number;
  rows: number;
  index: number;
}

/** A copy of `data` on a SharedArrayBuffer, which workers read without a copy of their own. */
function sharedCopy(data: Float32Array): Float32Array {
  const shared = new Float32Array(new SharedArrayBuffer(data.length * 4));
  shared.set(data);
  return shared;
}

/** One worker as the pool drives it, in a page or in Node. */
interface Thread {
  post(call: ThreadCall): void;
  /** Node: whether the worker may hold the process open (only while a call waits on it). */
  hold(on: boolean): void;
  /** Calls waiting on it. */
  busy: number;
  /** Its pair in ThreadPool.signal: [2·slot] the last call posted to it, [2·slot + 1] the last it finished. */
  slot: number;
  terminate(): void;
  /** Per model id, the arena version its parameters were last sent at. */
  sent: Map<number, number>;
}

export class ThreadPool {
  private threads: Promise<Thread[]> | null = null;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private nextCall = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Predicts and training steps split so far, and the workers' shares of them computed on the calling thread instead. */
  calls = 0;
  redone = 0;
  /**
   * Why this pool computes on the calling thread alone from now on, else null: a worker that could not start (a
   * bundler that left the worker's entry out, a script the page may not load) or that died. Said once on the console.
   */
  unavailable: string | null = null;
  private disposed = false;
  /** Per worker, the last call posted and the last finished (Thread.slot), for the spins of SPIN_MS. */
  private readonly signal: Int32Array;

  /** `count` threads in all: the calling one and count − 1 workers. */
  constructor(readonly count: number) {
    this.signal = new Int32Array(new SharedArrayBuffer(8 * count));
  }

  /**
   * x [count, ...inputShape] through the model, `batchSize` rows at a time on each thread; `local` is the model's
   * forward pass on the calling thread. Returns the outputs, outSize floats per row, in row order.
   */
  async forward(
    model: ThreadedModel,
    x: Float32Array,
    count: number,
    inputShape: number[],
    outSize: number,
    batchSize: number,
    local: Pick<CpuModel, 'forwardBatches'>,
  ): Promise<Float32Array> {
    const threads = await this.workers();
    const sampleSize = x.length / count;
    const out = new Float32Array(count * outSize);
    const here = (from: number, rows: number, into: Float32Array) => local.forwardBatches(x, from, rows, batchSize, inputShape, into);
    if (!threads) return (here(0, count, out), out);
    const shares = shareRows(count, this.count);
    const first = shares[0]!;
    // The workers' rows, and room for their outputs, shared: one copy in, one copy out.
    const sharedX = sharedCopy(x.subarray(first * sampleSize));
    const sharedOut = new Float32Array(new SharedArrayBuffer((count - first) * outSize * 4));
    const posted = this.post(threads, shares, model, (from, rows) => ({
      op: 'forward',
      x: sharedX.subarray(from * sampleSize, (from + rows) * sampleSize),
      out: sharedOut.subarray(from * outSize, (from + rows) * outSize),
      rows,
      batchSize,
      inputShape,
    }));
    this.calls++;
    await this.alongside(
      posted,
      () => here(0, first, out),
      ({ from, rows }) => here(first + from, rows, sharedOut.subarray(from * outSize)),
    );
    out.set(sharedOut, first * outSize);
    return out;
  }

  /**
   * One training step of n samples, data-parallel: each thread computes the gradients of its rows (the calling
   * thread through `trainer`), the shares are rescaled to the whole batch's mean and summed into trainer.grads, and
   * the trainer's update (penalties, clipping, optimizer) runs once, here. A share's loss was a mean over its own rows
   * (its own real steps under a mask): its gradients weigh valid_i/valid and its loss rows·valid_i/(valid·rows_i),
   * which gives what one thread computes for the whole batch, up to rounding. `acc` gets the sums as trainBatch adds
   * them. Only for a model without kept states or dropout (drawsInTraining), whose rows are independent.
   */
  async train(
    model: ThreadedModel,
    trainer: CpuTrainer,
    compiled: Compiled,
    x: Float32Array,
    y: Float32Array,
    n: number,
    inputShape: number[],
    acc: Float32Array,
  ): Promise<void> {
    const threads = await this.workers();
    if (!threads) return trainer.trainBatch(x, y, n, inputShape, acc);
    const shares = shareRows(n, this.count);
    const first = shares[0]!;
    const [xSize, ySize, total, accSize] = [x.length / n, y.length / n, model.arena.total, acc.length + 2];
    const sharedX = sharedCopy(x.subarray(first * xSize));
    const sharedY = sharedCopy(y.subarray(first * ySize));
    const grads = new Float32Array(new SharedArrayBuffer((shares.length - 1) * total * 4));
    const sums = new Float32Array(new SharedArrayBuffer((shares.length - 1) * accSize * 4));
    const posted = this.post(threads, shares, model, (from, rows, i) => ({
      op: 'gradients',
      compiled,
      x: sharedX.subarray(from * xSize, (from + rows) * xSize),
      y: sharedY.subarray(from * ySize, (from + rows) * ySize),
      rows,
      inputShape,
      grads: grads.subarray(i * total, (i + 1) * total),
      acc: sums.subarray(i * accSize, (i + 1) * accSize),
    }));
    this.calls++;
    const own = new Float32Array(acc.length);
    let counts: LossRows = { rows: 0, valid: 0 };
    await this.alongside(
      posted,
      () => (counts = trainer.gradients(x.subarray(0, first * xSize), y.subarray(0, first * ySize), first, inputShape, own)),
      ({ from, rows, index }) => {
        // A worker's share computed here instead: into its places in the shared gradients and sums, the first share's
        // gradients kept aside meanwhile.
        const kept = trainer.grads.slice();
        const sum = sums.subarray(index * accSize, (index + 1) * accSize).fill(0);
        const [a, b] = [first + from, first + from + rows];
        const c = trainer.gradients(x.subarray(a * xSize, b * xSize), y.subarray(a * ySize, b * ySize), rows, inputShape, sum.subarray(0, acc.length));
        [sum[acc.length], sum[acc.length + 1]] = [c.rows, c.valid];
        grads.set(trainer.grads, index * total);
        trainer.grads.set(kept);
      },
    );
    const parts = [
      { ...counts, acc: own, grads: trainer.grads },
      ...shares.slice(1).map((_, i) => {
        const a = sums.subarray(i * accSize, (i + 1) * accSize);
        return { rows: a[acc.length]!, valid: a[acc.length + 1]!, acc: a.subarray(0, acc.length), grads: grads.subarray(i * total, (i + 1) * total) };
      }),
    ];
    const [rows, valid] = parts.reduce(([r, v], p) => [r + p.rows, v + p.valid], [0, 0]);
    parts.forEach((part, i) => {
      // With no real step anywhere every share's gradient is 0 and its loss a sum of 0·ℓ: left as they are.
      const gradScale = valid > 0 ? part.valid / valid : 1;
      const lossScale = valid > 0 && part.valid > 0 ? (rows * part.valid) / (valid * part.rows) : 1;
      acc[0]! += lossScale * part.acc[0]!;
      for (let j = 1; j < acc.length; j++) acc[j]! += part.acc[j]!;
      if (i === 0) for (let k = 0; k < total; k++) trainer.grads[k]! *= gradScale;
      else for (let k = 0; k < total; k++) trainer.grads[k]! += gradScale * part.grads[k]!;
    });
    trainer.update(acc, rows);
  }

  /**
   * Posts each worker its share (the shares after the first, which the calling thread keeps): its parameters first
   * where they changed, then `share(from, rows, index)` with the call's own fields (ShareCall), `from` counted from
   * the end of the first share. Returns what was posted, to wait on.
   */
  private post(
    threads: Thread[],
    shares: number[],
    model: ThreadedModel,
    share: (from: number, rows: number, index: number) => ForwardShare | GradientsShare,
  ): Posted[] {
    const id = this.idOf(model);
    let from = 0;
    return shares.slice(1).map((rows, index) => {
      const thread = threads[index]!;
      this.sendParameters(thread, id, model);
      const call = this.nextCall++;
      const done = this.await(call, thread);
      Atomics.store(this.signal, 2 * thread.slot, call);
      thread.post({ ...share(from, rows, index), call, id, signal: this.signal, slot: thread.slot });
      from += rows;
      return { thread, call, done, from: from - rows, rows, index };
    });
  }

  /**
   * Runs the calling thread's share while the workers run theirs, then waits for them: first spinning on their
   * signals (a finished share shows there before its message arrives), then on their messages. A share whose worker
   * could not get WebAssembly memory, or died, is computed here by `redo` (worthRedoing). Any other failure rejects,
   * after every share has ended.
   */
  private async alongside(posted: Posted[], own: () => void, redo: (share: Posted) => void): Promise<void> {
    let settled: PromiseSettledResult<void>[];
    try {
      own();
      const until = performance.now() + SPIN_MS;
      for (const { thread, call } of posted) {
        while (Atomics.load(this.signal, 2 * thread.slot + 1) !== call && performance.now() < until);
        if (Atomics.load(this.signal, 2 * thread.slot + 1) === call) this.answer({ op: 'done', call });
      }
    } finally {
      settled = await Promise.allSettled(posted.map((p) => p.done));
    }
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (!worthRedoing(result.reason as Error)) throw result.reason;
      this.redone++;
      redo(posted[i]!);
    });
  }

  /** Lets the workers drop a model's copy (its Sequential was disposed). */
  forget(arena: object): void {
    const id = this.ids.get(arena);
    if (id === undefined || !this.threads) return;
    this.ids.delete(arena);
    const drop = (threads: Thread[]) => {
      for (const t of threads.filter((t) => t.sent.delete(id))) t.post({ op: 'drop', id });
    };
    this.threads.then(drop, () => undefined);
  }

  /** Ends every worker; a call still waiting, or one that was waiting for the workers to start, fails with a DisposedError. */
  dispose(): void {
    this.disposed = true;
    this.teardown(new DisposedError('the runtime was disposed while the wasm backend was computing on its threads'));
  }

  private idOf(model: ThreadedModel): number {
    let id = this.ids.get(model.arena);
    if (id === undefined) this.ids.set(model.arena, (id = this.nextId++));
    return id;
  }

  /** A worker gets the model when it first sees it, and its parameters whenever they changed since it last got them. */
  private sendParameters(thread: Thread, id: number, model: ThreadedModel): void {
    const { arena } = model;
    const sentAt = thread.sent.get(id);
    if (sentAt === arena.version) return;
    if (sentAt === undefined) thread.post({ op: 'model', id, topology: sequentialTopology(model.name, model.layers), total: arena.total });
    const changed = model.layers.flatMap((_, i) => (sentAt === undefined || arena.layerVersion(i) > sentAt ? [i] : []));
    thread.post({ op: 'params', id, params: arena.host!, layers: changed });
    thread.sent.set(id, arena.version);
  }

  private await(call: number, thread: Thread): Promise<void> {
    if (thread.busy++ === 0) thread.hold(true);
    return new Promise<void>((resolve, reject) => this.pending.set(call, { resolve, reject })).finally(() => {
      if (--thread.busy === 0) thread.hold(false);
    });
  }

  private answer(reply: ThreadReply): void {
    if (reply.op === 'ready') return;
    const waiting = this.pending.get(reply.call);
    this.pending.delete(reply.call);
    if (reply.op === 'done') waiting?.resolve();
    else waiting?.reject(rebuildError(reply.error));
  }

  /** The workers, or null where the pool has given up on them (`unavailable`): the caller then computes alone. */
  private async workers(): Promise<Thread[] | null> {
    const gone = () => new DisposedError('the runtime was disposed; create a new one with createRuntime()');
    if (this.disposed) throw gone();
    if (this.unavailable) return null;
    const threads = await this.start().catch((e: Error) => (this.giveUp(e), null));
    if (this.disposed) throw gone();
    return threads;
  }

  /** From now on the calling thread computes alone: said once, the workers ended, what waited on them failed with `e`. */
  private giveUp(e: Error): void {
    if (!this.unavailable) {
      this.unavailable = e.message;
      console.warn(`webrnn: ${e.message}; the wasm backend computes on one thread from now on`);
    }
    this.teardown(e);
  }

  /** Ends the workers (started or starting) and fails what waits on them. */
  private teardown(e: Error): void {
    const threads = this.threads;
    this.threads = null;
    void threads?.then(
      (all) => all.forEach((t) => t.terminate()),
      () => undefined,
    );
    for (const { reject } of this.pending.values()) reject(e);
    this.pending.clear();
  }

  /** The workers, started on first use, all or none: one that fails to start ends the others. */
  private start(): Promise<Thread[]> {
    this.threads ??= Promise.allSettled(
      Array.from({ length: this.count - 1 }, (_, slot) =>
        spawn(
          slot,
          (reply) => this.answer(reply),
          (e) => this.giveUp(e),
        ),
      ),
    ).then((results) => {
      const failed = results.find((r) => r.status === 'rejected');
      if (!failed) return results.map((r) => (r as PromiseFulfilledResult<Thread>).value);
      for (const r of results) if (r.status === 'fulfilled') r.value.terminate();
      throw failed.reason;
    });
    return this.threads;
  }
}

/**
 * Whether a worker's failed share is computed again on the calling thread: where the worker could not get
 * WebAssembly memory (the engine reclaims a page's dropped memories only when the page's own thread runs short, which
 * a worker cannot make it do), or died (the pool then gives up on its workers: giveUp).
 */
function worthRedoing(e: Error): boolean {
  return e instanceof OutOfMemoryError || e instanceof WorkerError || (e.name === 'RangeError' && /memory/i.test(e.message));
}

/** How long a worker may take to start listening. */
const READY_MS = 60_000;

/**
 * Starts one worker and resolves once it listens. A page's is a module Worker written as bundlers recognize one
 * (Vite and webpack bundle its entry); Node's a worker_threads Worker on dist/cpu/threadWorker.js beside this file.
 */
async function spawn(slot: number, answer: (reply: ThreadReply) => void, fail: (e: WorkerError) => void): Promise<Thread> {
  return new Promise<Thread>((resolve, reject) => {
    let ready = false;
    let thread: Thread | undefined;
    // A worker that never listens (its entry replaced by something else) must not leave the call waiting for ever.
    const timer = setTimeout(() => lost(`it did not start listening within ${READY_MS / 1000} s`), READY_MS);
    const hear = (reply: ThreadReply) => {
      if (reply.op === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(thread!);
      } else answer(reply);
    };
    const lost = (why: string) => {
      if (ready) return fail(new WorkerError(`a wasm thread of webrnn stopped: ${why}`));
      clearTimeout(timer);
      thread?.terminate();
      reject(new WorkerError(`a wasm thread of webrnn did not start: ${why}`));
    };
    if (typeof Worker !== 'undefined') {
      const worker = new Worker(new URL('./threadWorker.ts', import.meta.url), { type: 'module', name: 'webrnn wasm thread' });
      worker.onmessage = (e: MessageEvent<ThreadReply>) => hear(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        lost(e.message || 'its script failed to load or threw');
      };
      thread = { post: (call) => worker.postMessage(call), hold: () => undefined, terminate: () => worker.terminate(), busy: 0, slot, sent: new Map() };
    } else {
      void nodeModule<typeof import('node:worker_threads')>('worker_threads').then(
        ({ Worker: NodeWorker }) => {
          const worker = new NodeWorker(new URL(import.meta.url.replace(/threads\.(js|ts)$/, 'threadWorker.$1')));
          // Held open until it listens (a script awaiting the first predict would exit early otherwise), then idle.
          worker.on('message', (reply: ThreadReply) => {
            if (reply.op === 'ready') worker.unref();
            hear(reply);
          });
          worker.on('error', (e) => lost(String(e)));
          worker.on('exit', (code) => lost(`it exited with code ${code}`));
          thread = {
            post: (call) => worker.postMessage(call),
            hold: (on) => (on ? worker.ref() : worker.unref()),
            terminate: () => {
              worker.removeAllListeners('exit');
              void worker.terminate();
            },
            busy: 0,
            slot,
            sent: new Map(),
          };
        },
        (e: unknown) => lost(String(e)),
      );
    }
  });
}
