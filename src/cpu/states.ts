/**
 * The kept states of a stateful model on the wasm backend: per layer [h] or [h, c], each [batch, units], on the host,
 * as the GPU path's ModelStates (src/model/states.ts) keeps them in GPU buffers, with the same checks and errors.
 * Zero until set or carried.
 */
import { ValueError } from '../errors';
import type { Layer } from '../layers/layer';
import { checkStates } from '../model/states';
import type { Tensor, TensorLike } from '../tensor';

export class HostStates {
  /** Per layer; empty for a layer without states. */
  readonly states: Float32Array[][];

  constructor(
    private readonly layers: readonly Layer[],
    readonly batch: number,
  ) {
    this.states = layers.map((l) => (l.stateful ? l.stateSizes().map((u) => new Float32Array(batch * u)) : []));
  }

  /** Zeroes every layer's states, or sets layer `index`'s to `values` (zeros without). */
  reset(index?: number, values?: TensorLike[]): void {
    const indices = index === undefined ? this.layers.map((_, i) => i) : [index];
    for (const i of indices) {
      const kept = this.states[i]!;
      const layer = this.layers[i]!;
      if (kept.length === 0) {
        if (index !== undefined) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states to reset; build it with stateful: true`);
        continue;
      }
      const data = values ? checkStates(layer, values, this.batch) : null;
      kept.forEach((v, k) => (data ? v.set(data[k]!) : v.fill(0)));
    }
  }

  read(index: number): Tensor[] {
    const layer = this.layers[index]!;
    if (this.states[index]!.length === 0) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states; build it with stateful: true`);
    const widths = layer.stateSizes();
    return this.states[index]!.map((v, k) => ({ data: v.slice(), shape: [this.batch, widths[k]!] }));
  }
}
