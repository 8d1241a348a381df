/**
 * `model({ inputs, outputs })`: TF.js's functional model (Keras's Functional), a graph of layers from input()
 * placeholders to any number of outputs, with the Sequential API: compile, fit, predict, evaluate, summary,
 * getWeights/setWeights, dispose. Branches, merges (layers.concatenate, add, multiply, average), several inputs and
 * outputs with a loss (and loss weight) each, and recurrent layers whose initial states are other layers' outputs
 * (an encoder's final states starting a decoder) all train on the GPU in one submit per batch
 * (./graphProgram.ts), with the gradients reaching initial states (dh0, dc0).
 *
 * Data: x is one tensor for one input, else a list in the order of `inputs` or an object by input name; y likewise by
 * output. Inside, the parts of a sample are packed side by side into one flat sample, so validationSplit, shuffling
 * and batching are the Sequential's own; each batch is unpacked into the layout each input reads.
 *
 * Saved and loaded in the layers-model format, as TF.js saves a tf.model (./functionalTopology.ts).
 *
 * Not yet: the wasm backend, stateful layers, a layer applied twice in one model, ONNX export, predictStep and
 * fitRidge; each is refused by name.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { checkRuntime } from '../gpu/runtime';
import { defaultName } from '../layers/config';
import type { Layer } from '../layers/layer';
import type { Tensor, TensorLike } from '../tensor';
import type { History } from './callbacks';
import type { FitArgs } from './fitArgs';
import { ParameterArena, layoutSegments, type Segment } from './arena';
import { batchSizesOf, checkBatchSize, gatherBatch, samplesOf, scatterBatch, type Samples } from './data';
import { buildGraph, tensorList, type Graph } from './graph';
import { bindGraph, buildGraphTrainProgram, type BoundGraph, type GraphTrainProgram } from './graphProgram';
import type { BoundModel } from './program';
import { Sequential } from './sequential';
import type { SymbolicTensor } from './symbolic';
import type { TimeWindow } from './timeWindow';
import type { SaveOptions } from './save';
import type { ArtifactsSink, SaveResult } from '../io/types';
import { resolveOutputsCompile, type CompileArgs, type Compiled, type TrainProgram } from './training';

export interface ModelConfig {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  /** Seeds weight initialization (and shuffling unless fit gets its own seed). */
  seed?: number;
}

/** compile for a functional model: per-output losses, weights and metrics (training.ts resolveOutputsCompile). */
export interface FunctionalCompileArgs extends Omit<CompileArgs, 'loss' | 'metrics'> {
  loss: CompileArgs['loss'] | CompileArgs['loss'][] | Record<string, CompileArgs['loss']>;
  lossWeights?: number[] | Record<string, number>;
  metrics?: string[] | Record<string, string[]>;
}

/** A functional model's x or y: one tensor for one input (output), else a list in order or an object by name. */
export type ModelData = TensorLike | TensorLike[] | Record<string, TensorLike>;

/** Where each part (one input's or output's sample) sits in a packed sample. */
interface Packing {
  names: string[];
  shapes: number[][];
  offsets: number[];
  sizes: number[];
  total: number;
}

function packing(names: string[], shapes: number[][]): Packing {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  return { names, shapes, offsets, sizes, total: sizes.reduce((a, b) => a + b, 0) };
}

export class Functional extends Sequential<Tensor | Tensor[]> {
  /** The model's inputs and outputs, as TF.js's model.inputs and model.outputs. */
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /** The names fit's and compile's objects use: the inputs' names, and per output its layer's name. */
  readonly inputNames: string[];
  readonly outputNames: string[];
  private readonly graph: Graph;
  private readonly lender: Sequential<Tensor | Tensor[]> | null;

  constructor(rt: Runtime, config: ModelConfig) {
    checkRuntime(rt, 'model');
    if (typeof config !== 'object' || config === null) throw new ValueError(`model expects { inputs, outputs, name? }; got ${JSON.stringify(config)}`);
    const unknown = Object.keys(config).filter((k) => !['inputs', 'outputs', 'name', 'seed'].includes(k));
    if (unknown.length > 0) throw new ValueError(`model: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are inputs, outputs, name, seed`);
    super(rt, { name: config.name ?? defaultName('model'), ...(config.seed !== undefined ? { seed: config.seed } : {}) });
    if (rt.backend === 'wasm')
      throw new ValueError(`model: functional models run on the WebGPU backend for now; create the runtime with createRuntime({ backend: 'webgpu' })`);
    this.graph = buildGraph(tensorList(config.inputs, 'inputs'), tensorList(config.outputs, 'outputs'));
    this.inputs = this.graph.inputs;
    this.outputs = this.graph.outputs;
    this.layers.push(...this.graph.layers);
    this.inputNames = this.inputs.map((t) => t.name);
    const names = this.outputs.map((t) => t.node!.layer.name);
    this.outputNames = this.outputs.map((t, i) =>
      names.indexOf(names[i]!) === i && names.lastIndexOf(names[i]!) === i ? names[i]! : `${names[i]}_${t.outputIndex}`,
    );
    const clash = this.inputNames.find((n, i) => this.inputNames.indexOf(n) !== i);
    if (clash) throw new ValueError(`model: two inputs are named '${clash}'; give them distinct names (input({ shape, name }))`);
    this.lender = lenderOf(this.graph.layers);
    // Built now, so that models made later from these layers (inference models) share this model's weights.
    if (!this.lender) this.ensureBuilt();
  }

  /**
   * With a lender, this model's layers all belong to another model, whose weights it reads and writes (Keras's
   * shared layers: inference models built from a trained model's layers). Training goes through the lender.
   */
  protected override ensureBuilt(): this & { arena: ParameterArena } {
    if (!this.lender) return super.ensureBuilt();
    this.checkAlive();
    const { arena, indexOf } = this.lender.sharedParameters();
    this.arena ??= ParameterArena.shared(this.rt, arena, this.graph.layers.map(indexOf));
    return this as this & { arena: ParameterArena };
  }

  override get isGraph(): boolean {
    return true;
  }

  override add(layer: Layer): this {
    throw new ValueError(
      `model.add('${layer?.name}'): a functional model is built from its inputs and outputs; apply the layer to a tensor and build a new model`,
    );
  }

  protected override buildWeights(): { segments: Segment[]; total: number } {
    return layoutSegments(this.graph.layers.map((l) => ({ layer: l.name, specs: l.paramSpecs(l.inputShape) })));
  }

  override get fixedBatchSize(): number | null {
    return null;
  }

  /** The first input's sample shape (see `inputs` for all of them). */
  override get inputShape(): number[] {
    return this.inputs[0]!.sampleShape;
  }

  /** The first output's sample shape (see `outputs` for all of them). */
  override get outputShape(): number[] {
    return this.outputs[0]!.sampleShape;
  }

  protected override get idsInput(): boolean {
    return false;
  }

  protected override windowOf(): TimeWindow | null {
    return null;
  }

  private get inputPacking(): Packing {
    return packing(
      this.inputNames,
      this.inputs.map((t) => t.sampleShape),
    );
  }

  /** y's parts: an output's shape, or its class ids (without the last axis) under a sparse loss. */
  private outputPacking(compiled: Compiled): Packing {
    return packing(
      this.outputNames,
      this.outputs.map((t, k) => (compiled.outputs![k]!.loss.kind === 'sparseCategoricalCrossentropy' ? t.sampleShape.slice(0, -1) : t.sampleShape)),
    );
  }

  /** The parts of x or y as given: one tensor (one part), a list in order, or an object by name. */
  private partsOf(value: unknown, p: Packing, name: string, what: 'inputs' | 'outputs'): { value: TensorLike; label: string }[] {
    const n = p.names.length;
    const tensorObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
    if (n === 1) {
      // By name ({ dense_1: y }), as a list of one ([x], a tensor or a nested array one axis deeper than a batch), or as is.
      const named =
        tensorObject(value) && !('shape' in (value as object)) && Object.keys(value as object).length === 1 ? (value as Record<string, unknown>) : null;
      if (named) {
        if (!(p.names[0]! in named))
          throw new ValueError(`${name} names '${Object.keys(named)[0]}', which is not a model ${what.slice(0, -1)}; it is '${p.names[0]}'`);
        return [{ value: named[p.names[0]!] as TensorLike, label: `${name}['${p.names[0]}']` }];
      }
      const rank = (v: unknown): number => (Array.isArray(v) ? 1 + rank(v[0]) : 0);
      const listOfOne = Array.isArray(value) && value.length === 1 && (tensorObject(value[0]) || rank(value) === p.shapes[0]!.length + 2);
      return [{ value: (listOfOne ? value[0] : value) as TensorLike, label: name }];
    }
    if (Array.isArray(value)) {
      if (value.length !== n)
        throw new ValueError(
          `${name} must hold ${n} tensors, one per model ${what.slice(0, -1)} (${p.names.map((s) => `'${s}'`).join(', ')}); got a list of ${value.length}`,
        );
      return value.map((v, i) => ({ value: v as TensorLike, label: `${name}[${i}]` }));
    }
    if (tensorObject(value) && !('shape' in (value as object))) {
      const entries = value as Record<string, unknown>;
      const unknown = Object.keys(entries).filter((k) => !p.names.includes(k));
      if (unknown.length > 0)
        throw new ValueError(`${name} names '${unknown[0]}', which is not a model ${what.slice(0, -1)}; they are ${p.names.map((s) => `'${s}'`).join(', ')}`);
      const missing = p.names.find((k) => !(k in entries));
      if (missing)
        throw new ValueError(
          `${name} has no tensor for model ${what.slice(0, -1)} '${missing}'; give one for each of ${p.names.map((s) => `'${s}'`).join(', ')}`,
        );
      return p.names.map((k) => ({ value: entries[k] as TensorLike, label: `${name}['${k}']` }));
    }
    throw new ValueError(
      `${name} must be a list of ${n} tensors (one per model ${what.slice(0, -1)}) or an object by name (${p.names.map((s) => `'${s}'`).join(', ')})`,
    );
  }

  /** Every part checked against its shape, with one sample count, packed side by side. */
  private pack(parts: Samples[], p: Packing, name: string): Samples {
    const count = parts[0]!.count;
    const other = parts.findIndex((s) => s.count !== count);
    if (other >= 0)
      throw new ShapeError(
        `${name}: every part must hold the same number of samples; '${p.names[0]}' has ${count}, '${p.names[other]}' has ${parts[other]!.count}`,
      );
    if (parts.length === 1) return { data: parts[0]!.data, count, sampleShape: [p.total] };
    const data = new Float32Array(count * p.total);
    for (let s = 0; s < count; s++)
      parts.forEach((part, k) => data.set(part.data.subarray(s * p.sizes[k]!, (s + 1) * p.sizes[k]!), s * p.total + p.offsets[k]!));
    return { data, count, sampleShape: [p.total] };
  }

  protected override checkX(x: TensorLike, name = 'x'): Samples {
    const p = this.inputPacking;
    const parts = this.partsOf(x, p, name, 'inputs').map(({ value, label }, i) => {
      const shape = p.shapes[i]!;
      const ids = this.graph.idsInputs[i];
      const samples = samplesOf(value, label, shape, ids ? 'token ids [batch, timesteps]' : `input '${p.names[i]}'`);
      if (ids) {
        // Every embedding that reads it: the ids must fit the smallest.
        const embedding = this.graph.nodes
          .filter((n) => n.inputs.includes(this.inputs[i]!))
          .map((n) => n.layer)
          .reduce((a, b) => (b.vocabularySize! < a.vocabularySize! ? b : a));
        const dim = embedding.vocabularySize!;
        const bad = samples.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= dim);
        if (bad >= 0)
          throw new ValueError(
            `${label} holds token ids for embedding '${embedding.name}', integers in [0, ${dim}); ${label} at flat index ${bad} is ${samples.data[bad]}`,
          );
      }
      return samples;
    });
    return this.pack(parts, p, name);
  }

  protected override checkY(y: TensorLike, name: string): Samples {
    const compiled = this.isCompiled;
    const p = this.outputPacking(compiled);
    const parts = this.partsOf(y, p, name, 'outputs').map(({ value, label }, k) => {
      const ids = p.shapes[k]!;
      if (compiled.outputs![k]!.loss.kind !== 'sparseCategoricalCrossentropy') return samplesOf(value, label, ids, `output '${p.names[k]}'`);
      const samples = samplesOf(value, label, null, 'class ids');
      const ok = [ids, [...ids, 1]].some((s) => formatShape(s) === formatShape(samples.sampleShape));
      if (!ok)
        throw new ShapeError(
          `${label} must hold class ids ${formatShape(['*', ...ids])} (or ${formatShape(['*', ...ids, 1])}) for sparseCategoricalCrossentropy; got ${formatShape([samples.count, ...samples.sampleShape])}`,
        );
      return { ...samples, sampleShape: ids };
    });
    return this.pack(parts, p, name);
  }

  /** Part k of the packed samples `indices`, in the layout its buffer takes (time-major for a sequence). */
  private gatherPart(s: Samples, p: Packing, k: number, indices: ArrayLike<number>, timesteps: number | null): Float32Array {
    const size = p.sizes[k]!;
    const rows = new Float32Array(indices.length * size);
    for (let b = 0; b < indices.length; b++) {
      const at = indices[b]! * p.total + p.offsets[k]!;
      rows.set(s.data.subarray(at, at + size), b * size);
    }
    if (timesteps === null) return rows;
    return gatherBatch(
      { data: rows, count: indices.length, sampleShape: [size] },
      Uint32Array.from({ length: indices.length }, (_, i) => i),
      timesteps,
    );
  }

  private static timesteps(t: SymbolicTensor, ids: boolean): number | null {
    return t.sampleShape.length >= 2 || ids ? t.sampleShape[0]! : null;
  }

  protected override writeBatch(program: TrainProgram, x: Samples, y: Samples, indices: ArrayLike<number>): void {
    const p = program as GraphTrainProgram;
    const px = this.inputPacking;
    this.inputs.forEach((t, i) => {
      this.rt.write(p.bound.inputs[i]!, this.gatherPart(x, px, i, indices, Functional.timesteps(t, this.graph.idsInputs[i]!)));
    });
    const py = this.outputPacking(this.isCompiled);
    this.outputs.forEach((t, k) => this.rt.write(p.targetsPerOutput[k]!, this.gatherPart(y, py, k, indices, Functional.timesteps(t, false))));
  }

  protected override makeBound(batch: number): BoundModel {
    return bindGraph(this.rt, this.graph, this.ensureBuilt().arena, batch, false);
  }

  protected override makeTrainProgram(batch: number): TrainProgram {
    const { optimizerState, accumulators } = this.trainingState();
    return buildGraphTrainProgram(this.rt, this.graph, this.arena!, optimizerState, this.isCompiled, batch, accumulators, this.randomness(batch));
  }

  protected override resolveCompileArgs(args: CompileArgs): Compiled {
    return resolveOutputsCompile(
      args,
      this.outputs.map((t, k) => ({ name: this.outputNames[k]!, cols: t.sampleShape[t.sampleShape.length - 1]! })),
    );
  }

  override compile(args: FunctionalCompileArgs | CompileArgs): void {
    if (this.lender)
      throw new ValueError(
        `model '${this.name}' shares its layers with model '${this.lender.name}': compile and fit '${this.lender.name}', whose weights this model reads`,
      );
    super.compile(args as CompileArgs);
  }

  /** As Sequential.fit, with x (and y) one tensor per input (output): a list in order, or an object by name. */
  override fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    return super.fit(x as TensorLike, y as TensorLike, args);
  }

  /** As Sequential.evaluate, with x and y as fit takes them: the loss, or [loss, ...each output's loss, ...metrics]. */
  override evaluate(x: ModelData, y: ModelData, args: { batchSize?: number } = {}): Promise<number | number[]> {
    return super.evaluate(x as TensorLike, y as TensorLike, args);
  }

  /**
   * Runs the model on x in batches: one submit per batch, one readback at the end. Returns the output, or with
   * several outputs one tensor per output, in the order of `outputs`.
   */
  override async predict(x: ModelData, args: { batchSize?: number } = {}): Promise<Tensor | Tensor[]> {
    this.ensureBuilt();
    const samples = this.checkX(x as TensorLike);
    const batchSize = checkBatchSize(args.batchSize ?? 32);
    const px = this.inputPacking;
    const sizes = this.outputs.map((t) => t.sampleShape.reduce((a, b) => a * b, 1));
    const results = sizes.map((size, k) => this.rt.createBuffer(`predict output '${this.outputNames[k]}'`, samples.count * size * 4));
    try {
      await Promise.all(batchSizesOf(samples.count, batchSize).map((n) => this.bound(n).forward.prepare()));
      for (let start = 0; start < samples.count; start += batchSize) {
        const n = Math.min(batchSize, samples.count - start);
        const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
        const b = this.bound(n) as BoundGraph;
        this.inputs.forEach((t, i) => this.rt.write(b.inputs[i]!, this.gatherPart(samples, px, i, indices, Functional.timesteps(t, this.graph.idsInputs[i]!))));
        b.forward.run(
          b.outputs.map((out, k) => ({ from: out.buffer, fromOffset: out.offset, to: results[k]!, toOffset: start * sizes[k]!, floats: n * sizes[k]! })),
        );
      }
      const raw = await this.rt.readMany(results.map((ref, k) => ({ ref, offsetFloats: 0, length: samples.count * sizes[k]! })));
      const tensors = this.outputs.map((t, k) => {
        const out = new Float32Array(raw[k]!.length);
        const steps = Functional.timesteps(t, false);
        for (let start = 0; start < samples.count; start += batchSize) {
          const n = Math.min(batchSize, samples.count - start);
          scatterBatch(raw[k]!.subarray(start * sizes[k]!, (start + n) * sizes[k]!), n, steps, out, start);
        }
        return { data: out, shape: [samples.count, ...t.sampleShape] };
      });
      return tensors.length === 1 ? tensors[0]! : tensors;
    } finally {
      for (const r of results) this.rt.destroyBuffer(r);
    }
  }

  override predictStep(): Promise<Tensor> {
    return Promise.reject(this.notYet('predictStep', 'build a stateful Sequential for streaming'));
  }

  override fitRidge(): Promise<never> {
    return Promise.reject(this.notYet('fitRidge', 'fit it with model.fit'));
  }

  override toOnnx(): Promise<Uint8Array> {
    return Promise.reject(this.notYet('toOnnx', 'export a Sequential'));
  }

  /**
   * Saves as TF.js saves a tf.model (src/model/functionalTopology.ts): load it with loadLayersModel, or TF.js's
   * tf.loadLayersModel where TF.js has every layer (it has no Attention). includeOptimizer needs one output.
   */
  override async save(destination: string | ArtifactsSink, options: SaveOptions = {}): Promise<SaveResult> {
    if (options?.includeOptimizer && this.outputs.length > 1)
      throw this.notYet('save({ includeOptimizer: true }) with several outputs', 'save without includeOptimizer and compile again after loading');
    // Loaded when first used, as the Sequential's save is.
    const [{ saveModel }, { functionalTopology }] = await Promise.all([import('./save'), import('./functionalTopology')]);
    return saveModel({ ...this.persistenceView(), topology: functionalTopology(this.name, this.graph) }, destination, options);
  }

  private notYet(what: string, instead: string): ValueError {
    return new ValueError(`${what} is not supported for functional models yet (model '${this.name}'); ${instead}`);
  }
}

/**
 * The model that holds every one of these layers' weights, or null when none of them has weights yet; a mix of new
 * layers and layers of other models is refused by name.
 */
function lenderOf(layers: readonly Layer[]): Sequential<Tensor | Tensor[]> | null {
  const held = layers.filter((l) => l.weightOwner !== null);
  if (held.length === 0) return null;
  const fresh = layers.find((l) => l.weightOwner === null);
  const owner = held[0]!.weightOwner;
  const other = held.find((l) => l.weightOwner !== owner);
  if (fresh || other || !(owner instanceof Sequential)) {
    const [a, b] = fresh ? [held[0]!, fresh] : [held[0]!, other ?? held[0]!];
    throw new ValueError(
      `model: layer '${a.name}' belongs to model '${(owner as { name?: string }).name ?? '?'}' but layer '${b.name}' ${fresh ? 'is new' : 'belongs to another model'}; ` +
        `a model shares all its layers with one model (an inference model built from a trained model's layers) or owns all of them`,
    );
  }
  return owner as Sequential<Tensor | Tensor[]>;
}

/** `model({ inputs, outputs })`: a functional model on `rt`, as TF.js's tf.model. */
export function model(rt: Runtime, config: ModelConfig): Functional {
  return new Functional(rt, config);
}
