/**
 * A wasm thread of webrnn (./threads.ts): a worker holding copies of the models whose predicts its runtime splits,
 * each as the calling thread holds it (the layers built from their topology, the parameters laid out the same way,
 * a CpuModel over them), computing the rows it is given into the shared output. Started by the library itself, in
 * a page as a module Worker and in Node as a worker_threads Worker; it says 'ready' once it listens.
 */
import { serializeError } from '../errors';
import { buildLayers } from '../model/buildLayers';
import type { Segment } from '../model/arena';
import { layersFromTopology } from '../model/kerasLayers';
import { CpuModel, type HostParameters } from './model';
import { SPIN_MS, type ThreadCall, type ThreadReply } from './threads';

/** A model's parameters in this thread: what the calling thread sent, with the per-layer versions CpuModel reads. */
class ThreadParameters implements HostParameters {
  readonly host: Float32Array;
  version = 0;
  private readonly versions: number[];

  constructor(
    readonly segments: Segment[],
    total: number,
    layers: number,
  ) {
    this.host = new Float32Array(total);
    this.versions = new Array<number>(layers).fill(0);
  }

  layerVersion(index: number): number {
    return this.versions[index] ?? 0;
  }

  write(params: Float32Array, changed: number[]): void {
    this.host.set(params);
    this.version++;
    for (const l of changed) this.versions[l] = this.version;
  }
}

function serve(post: (reply: ThreadReply) => void): (call: ThreadCall) => void {
  const models = new Map<number, { cpu: CpuModel; params: ThreadParameters }>();
  return (call) => {
    if (call.op === 'model') {
      const { layers } = layersFromTopology(call.topology, 'a wasm thread');
      const { segments, total } = buildLayers(layers);
      // The same layers give the same layout; a difference would put every weight in the wrong place.
      if (total !== call.total) throw new Error(`a wasm thread laid the model out in ${total} floats, the calling thread in ${call.total}`);
      const params = new ThreadParameters(segments, total, layers.length);
      models.set(call.id, { cpu: new CpuModel(layers, params, null), params });
    } else if (call.op === 'params') models.get(call.id)!.params.write(call.params, call.layers);
    else if (call.op === 'drop') models.delete(call.id);
    else {
      try {
        const { cpu } = models.get(call.id)!;
        const [sampleSize, outSize] = [call.x.length / call.rows, call.out.length / call.rows];
        for (let s = 0; s < call.rows; s += call.batchSize) {
          const n = Math.min(call.batchSize, call.rows - s);
          call.out.set(cpu.forward(call.x.subarray(s * sampleSize, (s + n) * sampleSize), n, call.inputShape), s * outSize);
        }
        Atomics.store(call.signal, 2 * call.slot + 1, call.call);
        post({ op: 'done', call: call.call });
        // The next call usually follows soon: spin on its signal a moment, awake, before waiting on messages.
        const until = performance.now() + SPIN_MS;
        while (Atomics.load(call.signal, 2 * call.slot) === call.call && performance.now() < until);
      } catch (e) {
        post({ op: 'failed', call: call.call, error: serializeError(e instanceof Error ? e : new Error(String(e))) });
      }
    }
  };
}

if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
  const scope = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent<ThreadCall>) => void) | null };
  const handle = serve((reply) => scope.postMessage(reply));
  scope.onmessage = (e) => handle(e.data);
  scope.postMessage({ op: 'ready' } satisfies ThreadReply);
} else {
  const name = 'node:worker_threads'; // a variable specifier: bundlers leave Node's module to Node
  void import(/* @vite-ignore */ name).then(({ parentPort }: typeof import('node:worker_threads')) => {
    const handle = serve((reply) => parentPort!.postMessage(reply));
    parentPort!.on('message', handle);
    parentPort!.postMessage({ op: 'ready' } satisfies ThreadReply);
  });
}
