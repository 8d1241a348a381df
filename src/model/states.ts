/**
 * The states a model keeps for its stateful layers (Keras stateful=True): per layer, one compact
 * [batch, width] buffer per state, on the GPU. Every program of the model (predict, fit, evaluate and the
 * one-step streaming program) is bound to these same buffers: each run copies them into its first state slot
 * and its final states back (src/layers/recurrent.ts), so the state carries across predict, fit and
 * predictStep calls, as in Keras, until resetStates(). Nothing of it goes through the host.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import type { Runtime } from '../gpu/runtime';
import type { Layer } from '../layers/layer';
import { toTensor, type Tensor, type TensorLike } from '../tensor';

export class ModelStates {
  private readonly perLayer: (GPUBuffer[] | undefined)[];

  constructor(
    private readonly rt: Runtime,
    private readonly layers: readonly Layer[],
    /** The model's fixed batch size: every state has this many rows. */
    readonly batch: number,
  ) {
    this.perLayer = layers.map((layer) => (layer.stateful ? layer.stateSizes().map((w, k) => rt.zeros(`${layer.name} state ${k}`, batch * w)) : undefined));
  }

  /** Per layer, its state buffers (undefined for layers that keep none), as bindModel takes them. */
  get buffers(): readonly (GPUBuffer[] | undefined)[] {
    return this.perLayer;
  }

  /** Zeroes the states of one layer (or of all), or sets them to `values` ([batch, width] each). */
  reset(index?: number, values?: TensorLike[]): void {
    const indices = index === undefined ? this.layers.map((_, i) => i) : [index];
    for (const i of indices) {
      const buffers = this.perLayer[i];
      const layer = this.layers[i]!;
      if (!buffers) {
        if (index !== undefined) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states to reset; build it with stateful: true`);
        continue;
      }
      const widths = layer.stateSizes();
      const data = values ? checkStates(layer, values, this.batch) : widths.map((w) => new Float32Array(this.batch * w));
      buffers.forEach((b, k) => this.rt.write(b, data[k]!));
    }
  }

  /** The states of layer `index`, read back with one readback. */
  async read(index: number): Promise<Tensor[]> {
    const buffers = this.perLayer[index];
    const layer = this.layers[index]!;
    if (!buffers) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states; build it with stateful: true`);
    const widths = layer.stateSizes();
    const data = await this.rt.readMany(buffers.map((ref, k) => ({ ref, length: this.batch * widths[k]! })));
    return data.map((d, k) => ({ data: d, shape: [this.batch, widths[k]!] }));
  }

  destroy(): void {
    for (const list of this.perLayer) for (const b of list ?? []) this.rt.destroyBuffer(b);
  }
}

/** Checks a list of states for `layer` ([batch, width] each, in the layer's order) and returns their data. */
export function checkStates(layer: Layer, values: TensorLike[], batch: number): Float32Array[] {
  const widths = layer.stateSizes();
  const what = widths.length === 2 ? '[h, c]' : widths.length === 1 ? '[h]' : `${widths.length} tensors`;
  if (!Array.isArray(values) || values.length !== widths.length) {
    throw new ValueError(
      `layer '${layer.name}' has ${widths.length} states (${what}, each [batch, units]); got ${Array.isArray(values) ? `${values.length} tensors` : typeof values}`,
    );
  }
  return values.map((v, k) => {
    const t = toTensor(v, `state ${k} of '${layer.name}'`);
    const expected = [batch, widths[k]!];
    if (t.shape.length !== 2 || t.shape[0] !== batch || t.shape[1] !== widths[k]) {
      throw new ShapeError(`state ${k} of layer '${layer.name}' must be ${formatShape(expected)} ([batch, units]); got ${formatShape(t.shape)}`);
    }
    return t.data;
  });
}
