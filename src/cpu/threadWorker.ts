/**
 * A wasm thread of webrnn (./threads.ts): a worker holding copies of the models whose predicts its runtime splits,
 * each as the calling thread holds it (the layers built from their topology, the parameters laid out the same way,
 * a CpuModel over them), computing the rows it is given into the shared output, or a training share's gradients
 * into the shared gradients (a CpuTrainer without an optimizer: the calling thread sums the shares and updates). Started by the library itself, in
 * a page as a module Worker and in Node as a worker_threads Worker; it says 'ready' once it listens.
 */
import { serializeError } from '../errors';
import { buildLayers } from '../model/buildLayers';
import type { Segment } from '../model/arena';
import { layersFromTopology } from '../model/kerasLayers';
import type { Layer } from '../layers/layer';
import { CpuModel, type HostParameters } from './model';
import { CpuTrainer, type TrainerParameters } from './training';
import { inWebWorker, nodeModule } from './wasmInstance';
import { SPIN_MS, WORKER_SPINS, type ThreadCall, type ThreadReply } from './threads';

/** A model's parameters in this thread: what the calling thread sent, with the per-layer versions CpuModel reads. */
class ThreadParameters implements HostParameters, TrainerParameters {
  readonly host: Float32Array;
  version = 0;
  private readonly versions: number[];
  readonly total: number;

  constructor(
    readonly segments: Segment[],
    total: number,
    layers: number,
  ) {
    this.host = new Float32Array(total);
    this.total = total;
    this.versions = new Array<number>(layers).fill(0);
  }

  layerVersion(index: number): number {
    return this.versions[index] ?? 0;
  }

  /** The trainer's mark after an optimizer step, which only the calling thread takes. */
  touch(): void {
    throw new Error('a wasm thread does not update parameters');
  }

  write(params: Float32Array, changed: number[]): void {
    this.host.set(params);
    this.version++;
    for (const l of changed) this.versions[l] = this.version;
  }
}

/** What this thread holds of one model: its layers, its parameters, its forward pass, and a trainer once it trains. */
interface Held {
  layers: Layer[];
  params: ThreadParameters;
  cpu: CpuModel;
  trainer: { compiled: string; trainer: CpuTrainer } | null;
}

function serve(post: (reply: ThreadReply) => void): (call: ThreadCall) => void {
  const models = new Map<number, Held>();
  /** Reports a call done, on the shared signal first; in Node it then spins a moment awake for the next one (SPIN_MS). */
  const finished = (call: { call: number; signal: Int32Array; slot: number }) => {
    Atomics.store(call.signal, 2 * call.slot + 1, call.call);
    post({ op: 'done', call: call.call });
    const until = performance.now() + (WORKER_SPINS ? SPIN_MS : 0);
    while (Atomics.load(call.signal, 2 * call.slot) === call.call && performance.now() < until);
  };
  return (call) => {
    if (call.op === 'model') {
      const { layers } = layersFromTopology(call.topology, 'a wasm thread');
      const { segments, total } = buildLayers(layers);
      // The same layers give the same layout; a difference would put every weight in the wrong place.
      if (total !== call.total) throw new Error(`a wasm thread laid the model out in ${total} floats, the calling thread in ${call.total}`);
      const params = new ThreadParameters(segments, total, layers.length);
      models.set(call.id, { layers, params, cpu: new CpuModel(layers, params, null), trainer: null });
      return;
    }
    if (call.op === 'params') return models.get(call.id)!.params.write(call.params, call.layers);
    if (call.op === 'drop') return void models.delete(call.id);
    try {
      const held = models.get(call.id)!;
      if (call.op === 'forward') {
        held.cpu.forwardBatches(call.x, 0, call.rows, call.batchSize, call.inputShape, call.out);
      } else {
        // A trainer per compile: no kept states, no optimizer (the calling thread updates), no draws (no dropout).
        const compiled = JSON.stringify(call.compiled);
        if (held.trainer?.compiled !== compiled) held.trainer = { compiled, trainer: new CpuTrainer(held.layers, held.params, call.compiled, null, null, 0) };
        const { trainer } = held.trainer;
        const sums = call.acc.length - 2;
        const counts = trainer.gradients(call.x, call.y, call.rows, call.inputShape, call.acc.subarray(0, sums));
        call.grads.set(trainer.grads);
        [call.acc[sums], call.acc[sums + 1]] = [counts.rows, counts.valid];
      }
      finished(call);
    } catch (e) {
      post({ op: 'failed', call: call.call, error: serializeError(e instanceof Error ? e : new Error(String(e))) });
    }
  };
}

if (inWebWorker) {
  const scope = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent<ThreadCall>) => void) | null };
  const handle = serve((reply) => scope.postMessage(reply));
  scope.onmessage = (e) => handle(e.data);
  scope.postMessage({ op: 'ready' } satisfies ThreadReply);
} else {
  void nodeModule<typeof import('node:worker_threads')>('worker_threads').then(({ parentPort }) => {
    const handle = serve((reply) => parentPort!.postMessage(reply));
    parentPort!.on('message', handle);
    parentPort!.postMessage({ op: 'ready' } satisfies ThreadReply);
  });
}
