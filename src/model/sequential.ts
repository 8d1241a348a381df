/**
 * `sequential(rt)`: a stack of layers with the Keras/TF.js model API: add, compile, fit, predict, evaluate,
 * summary, getWeights/setWeights, save, dispose. The GPU work lives in programs built per batch size
 * (program.ts, training.ts); this class owns the host side: shapes, data, epochs, callbacks.
 */
import { DisposedError, ShapeError, ValueError, formatShape } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { initialize, seededRandom } from '../layers/initializers';
import { Embedding } from '../layers/embedding';
import { Layer } from '../layers/layer';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { ParameterArena, layoutSegments } from './arena';
import { checkBatchSize, gatherBatch, samplesOf, scatterBatch, type Samples } from './data';
import { bindModel, type BoundModel } from './program';
import { summaryLines } from './summary';

export interface SequentialOptions {
  name?: string;
  /** Seeds weight initialization (and shuffling unless fit gets its own seed). */
  seed?: number;
}

export class Sequential {
  readonly rt: Runtime;
  readonly name: string;
  readonly layers: Layer[] = [];
  protected readonly seed: number;
  protected arena: ParameterArena | null = null;
  private inference = new Map<number, BoundModel>();
  private disposed = false;

  constructor(rt: Runtime, options: SequentialOptions = {}) {
    this.rt = rt;
    this.name = options.name ?? 'sequential';
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  }

  add(layer: Layer): this {
    this.checkAlive();
    if (!(layer instanceof Layer)) {
      throw new ValueError(`model.add expects a layer such as layers.dense({ units: 1 }); got ${layer === null ? 'null' : typeof layer}`);
    }
    if (this.arena) throw new ValueError(`model.add('${layer.name}'): the model is already built; add every layer before compile, predict or getWeights`);
    if (this.layers.length === 0 && !layer.declaredInputShape) {
      throw new ValueError(`the first layer ('${layer.name}') needs inputShape, e.g. layers.lstm({ units: 50, inputShape: [60, 1] })`);
    }
    if (this.layers.length > 0 && layer instanceof Embedding) {
      throw new ValueError(`embedding '${layer.name}' must be the first layer: its input is token ids, not an activation`);
    }
    if (this.layers.some((l) => l.name === layer.name)) throw new ValueError(`a layer named '${layer.name}' is already in the model; names must be unique`);
    this.layers.push(layer);
    return this;
  }

  /** Shapes of one input sample and one output sample (no batch axis). */
  get inputShape(): number[] {
    return this.ensureBuilt().layers[0]!.inputShape;
  }

  get outputShape(): number[] {
    return this.ensureBuilt().layers[this.layers.length - 1]!.outputShape;
  }

  /** Builds shapes and initial weights once, on first use. */
  protected ensureBuilt(): this & { arena: ParameterArena } {
    this.checkAlive();
    if (this.arena) return this as this & { arena: ParameterArena };
    if (this.layers.length === 0) throw new ValueError('the model has no layers; add some with model.add(layers.lstm({...}))');
    let shape = this.layers[0]!.declaredInputShape!;
    const perLayer = this.layers.map((layer) => {
      const input = shape;
      if (layer !== this.layers[0] && layer.declaredInputShape && formatShape(layer.declaredInputShape) !== formatShape(input)) {
        throw new ShapeError(`layer '${layer.name}' declares inputShape ${formatShape(layer.declaredInputShape)} but the layer before it outputs ${formatShape(input)}`);
      }
      shape = layer.build(input);
      return { layer: layer.name, specs: layer.paramSpecs(input) };
    });
    const { segments, total } = layoutSegments(perLayer);
    const arena = new ParameterArena(this.rt, segments, total);
    segments.forEach((seg, i) => arena.write(seg, initialize(seg.spec.init, seg.spec.shape, seededRandom(this.seed * 7919 + i))));
    this.arena = arena;
    for (const layer of this.layers) layer.attach(this);
    return this as this & { arena: ParameterArena };
  }

  protected get idsInput(): boolean {
    return this.layers[0] instanceof Embedding;
  }

  protected inputTimesteps(): number | null {
    const s = this.inputShape;
    return s.length >= 2 || this.idsInput ? s[0]! : null;
  }

  protected outputTimesteps(): number | null {
    const s = this.outputShape;
    return s.length >= 2 ? s[0]! : null;
  }

  protected checkX(x: TensorLike): Samples {
    const what = this.idsInput ? 'token ids [batch, timesteps]' : this.inputShape.length === 2 ? '[batch, timesteps, features]' : '[batch, features]';
    const samples = samplesOf(x, 'x', this.inputShape, what);
    if (this.idsInput) {
      const dim = (this.layers[0] as Embedding).inputDim;
      const bad = samples.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= dim);
      if (bad >= 0) throw new ValueError(`x holds token ids for embedding '${this.layers[0]!.name}', integers in [0, ${dim}); x at flat index ${bad} is ${samples.data[bad]}`);
    }
    return samples;
  }

  protected bound(batch: number): BoundModel {
    let b = this.inference.get(batch);
    if (!b) {
      b = bindModel(this.rt, this.layers, this.ensureBuilt().arena, batch, false, this.idsInput);
      this.inference.set(batch, b);
    }
    return b;
  }

  /** Runs the model on x in batches; one submit per batch and a single readback at the end. */
  async predict(x: TensorLike, args: { batchSize?: number } = {}): Promise<Tensor> {
    this.ensureBuilt();
    const samples = this.checkX(x);
    const batchSize = checkBatchSize(args.batchSize ?? 32);
    const outSize = this.outputShape.reduce((a, b) => a * b, 1);
    const result = this.rt.createBuffer('predict output', samples.count * outSize * 4);
    try {
      const steps = this.inputTimesteps();
      for (let start = 0; start < samples.count; start += batchSize) {
        const n = Math.min(batchSize, samples.count - start);
        const b = this.bound(n);
        this.rt.write(b.input, gatherBatch(samples, Uint32Array.from({ length: n }, (_, i) => start + i), steps));
        const encoder = this.rt.device.createCommandEncoder({ label: 'predict' });
        b.forward.encode(encoder);
        encoder.copyBufferToBuffer(b.output.buffer, b.output.offset * 4, result, start * outSize * 4, n * outSize * 4);
        this.rt.submit([encoder.finish()]);
      }
      const raw = await this.rt.read(result, samples.count * outSize);
      const out = new Float32Array(raw.length);
      const outSteps = this.outputTimesteps();
      for (let start = 0; start < samples.count; start += batchSize) {
        const n = Math.min(batchSize, samples.count - start);
        scatterBatch(raw.subarray(start * outSize, (start + n) * outSize), n, outSteps, out, start);
      }
      return { data: out, shape: [samples.count, ...this.outputShape] };
    } finally {
      this.rt.destroyBuffer(result);
    }
  }

  /** Every weight in Keras order (per layer: kernel, recurrent_kernel, bias), one readback. */
  async getWeights(): Promise<Tensor[]> {
    const arena = this.ensureBuilt().arena;
    const data = await arena.read();
    return arena.segments.map((seg, i) => ({ data: data[i]!, shape: [...seg.spec.shape] }));
  }

  /** Replaces every weight; list and shapes as getWeights returns them. Checks all before writing any. */
  setWeights(weights: TensorLike[]): void {
    const arena = this.ensureBuilt().arena;
    if (!Array.isArray(weights) || weights.length !== arena.segments.length) {
      throw new ValueError(`setWeights expects ${arena.segments.length} tensors (${arena.segments.map((s) => s.path).join(', ')}); got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const tensors = weights.map((w, i) => {
      const seg = arena.segments[i]!;
      const t = toTensor(w, seg.path);
      if (formatShape(t.shape) !== formatShape(seg.spec.shape)) {
        throw new ShapeError(`setWeights: ${seg.path} must be ${formatShape(seg.spec.shape)}; got ${formatShape(t.shape)}`);
      }
      return t;
    });
    tensors.forEach((t, i) => arena.write(arena.segments[i]!, t.data));
  }

  /** Weights of one layer, in its Keras order. */
  async getLayerWeights(layer: Layer): Promise<Tensor[]> {
    const index = this.layerIndex(layer);
    const all = await this.getWeights();
    return all.filter((_, i) => this.arena!.segments[i]!.layer === index);
  }

  setLayerWeights(layer: Layer, weights: TensorLike[]): void {
    const index = this.layerIndex(layer);
    const arena = this.ensureBuilt().arena;
    const segs = arena.segments.filter((s) => s.layer === index);
    if (!Array.isArray(weights) || weights.length !== segs.length) {
      throw new ValueError(`layer '${layer.name}' has ${segs.length} weights (${segs.map((s) => s.spec.name).join(', ')}); got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const tensors = weights.map((w, i) => {
      const t = toTensor(w, segs[i]!.path);
      if (formatShape(t.shape) !== formatShape(segs[i]!.spec.shape)) {
        throw new ShapeError(`${segs[i]!.path} must be ${formatShape(segs[i]!.spec.shape)}; got ${formatShape(t.shape)}`);
      }
      return t;
    });
    tensors.forEach((t, i) => arena.write(segs[i]!, t.data));
  }

  private layerIndex(layer: Layer): number {
    const index = this.layers.indexOf(layer);
    if (index < 0) throw new ValueError(`layer '${layer?.name}' is not part of model '${this.name}'`);
    return index;
  }

  countParams(): number {
    return this.ensureBuilt().arena.segments.reduce((a, s) => a + s.length, 0);
  }

  /** Prints (or passes to printFn) a Keras-like table and returns it. */
  summary(printFn: (line: string) => void = console.log): string {
    const arena = this.ensureBuilt().arena;
    const counts = this.layers.map((_, i) => arena.segments.filter((s) => s.layer === i).reduce((a, s) => a + s.length, 0));
    const lines = summaryLines(this.name, this.layers, counts);
    for (const l of lines) printFn(l);
    return lines.join('\n');
  }

  protected checkAlive(): void {
    if (this.disposed) throw new DisposedError(`model '${this.name}' was disposed; build a new one`);
    this.rt.check();
  }

  /** Frees every GPU buffer of the model. Later calls throw DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.releasePrograms();
    this.arena?.destroy();
    this.arena = null;
    this.disposed = true;
  }

  protected releasePrograms(): void {
    for (const b of this.inference.values()) b.destroy();
    this.inference.clear();
  }
}

export function sequential(rt: Runtime, options?: SequentialOptions): Sequential {
  return new Sequential(rt, options);
}
