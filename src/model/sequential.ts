/**
 * `sequential(rt)`: a stack of layers with the Keras/TF.js model API: add, compile, fit, predict, evaluate,
 * summary, getWeights/setWeights, save, dispose. The GPU work lives in programs built per batch size
 * (program.ts, training.ts); this class owns the host side: shapes, data, epochs, callbacks.
 */
import { DisposedError, OutOfMemoryError, ShapeError, ValueError, formatShape } from '../errors';
import { checkRuntime, type Runtime } from '../gpu/runtime';
import { initialize, seededRandom } from '../layers/initializers';
import { BatchProgress } from './batchProgress';
import { Layer } from '../layers/layer';
import type { Tensor, TensorLike } from '../tensor';
import { ParameterArena, checkWeightList, type Segment } from './arena';
import { buildLayers } from './buildLayers';
import type { Callback, History, Logs } from './callbacks';
import { resolveFitArgs, type FitArgs } from './fitArgs';
import {
  checkDataset,
  nextBatch,
  openDataset,
  closeIterator,
  validationPair,
  resolveFitDatasetArgs,
  type Batch,
  type BatchIterator,
  type Dataset,
  type FitDatasetArgs,
  type ResolvedFitDatasetArgs,
} from './dataset';
import { batchSizesOf, checkBatchSize, gatherBatch, permutation, samplesOf, scatterBatch, splitValidation, type Samples } from './data';
import { nonFiniteLoss, readEpochEnd, type EpochReadback, type LastGoodWeights } from './epochEnd';
import { bindModel, type BoundModel } from './program';
import { WINDOW_LENGTHS, batchWindow, croppableMask, type TimeWindow } from './timeWindow';
import { applyLayer } from './applyLayer';
import { ModelStates } from './states';
import { checkWasmLayers } from '../cpu/layers';
import type { CpuModel } from '../cpu/model';
import { HostStates } from '../cpu/states';
import { HostOptimizer } from '../cpu/optimizers';
import type { CpuTrainer } from '../cpu/training';
import { StreamProgram, stepInput } from './streaming';
import { summaryLines } from './summary';
import { ridgeReadout, type RidgeOptions, type RidgeResult } from './ridge';
import type { PersistenceView, SaveOptions } from './save';
import type { OnnxExportOptions } from '../io/onnx/toOnnx';
import type { ArtifactsSink, SaveResult } from '../io/types';
import {
  OptimizerState,
  accumulatorLength,
  buildTrainProgram,
  addTfjsAliases,
  evaluationResult,
  logsFromAccumulator,
  resolveCompile,
  type CompileArgs,
  type Compiled,
  type TrainProgram,
} from './training';

export type { FitArgs } from './fitArgs';

export interface SequentialOptions {
  name?: string;
  /** Seeds weight initialization (and shuffling unless fit gets its own seed). */
  seed?: number;
}

/** `Out`: what predict returns (a functional model with several outputs returns a list). */
export class Sequential<Out extends Tensor | Tensor[] = Tensor> {
  readonly rt: Runtime;
  readonly name: string;
  readonly layers: Layer[] = [];
  protected readonly seed: number;
  protected arena: ParameterArena | null = null;
  /** Programs by batch size and window length (src/model/timeWindow.ts): `${batch}/${steps}`. */
  private inference = new Map<string, BoundModel>();
  /** Kept states of the stateful layers (src/model/states.ts), and the one-step program of predictStep. */
  private states: ModelStates | null = null;
  private stream: StreamProgram | null = null;
  private disposed = false;
  private compiled: Compiled | null = null;
  private optimizerState: OptimizerState | null = null;
  private training = new Map<string, TrainProgram>();
  /** The training programs' dropout step counters, by batch size, layer and stream (BindContext.randomCounter). */
  private randomCounters = new Map<string, GPUBuffer>();
  private accumulators: { train: GPUBuffer; evaluate: GPUBuffer } | null = null;
  private fitting = false;
  private lastGood: LastGoodWeights | null = null;
  /** On a wasm runtime: the forward pass on the host (src/cpu/model.ts), loaded on first predict. */
  private cpu: CpuModel | null = null;
  /** On a wasm runtime, the kept states of the stateful layers (the GPU path's are `states`). */
  private hostStates: HostStates | null = null;
  /** On a wasm runtime: fit's and evaluate's batch steps and the optimizer's slots (src/cpu/training.ts), from compile on. */
  private cpuTrainer: CpuTrainer | null = null;
  /** On a wasm runtime with threads, the module that splits training batches between them (src/cpu/threads.ts), loaded by the first fit that can. */
  private cpuThreads: typeof import('../cpu/threads') | null = null;
  /** On a wasm runtime, the accumulators the GPU path keeps in `accumulators`, and the optimizer's state. */
  private hostAccumulators: { train: Float32Array; evaluate: Float32Array } | null = null;
  private hostOptimizer: HostOptimizer | null = null;
  /** Set by a callback (e.g. early stopping) to end fit after the current epoch. */
  stopTraining = false;

  constructor(rt: Runtime, options: SequentialOptions = {}) {
    checkRuntime(rt, 'sequential');
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
    if (layer.merges)
      throw new ValueError(
        `model.add('${layer.name}'): ${layer.className} merges several tensors, so it cannot follow one layer in a Sequential; use it in a functional model (model({ inputs, outputs }))`,
      );
    if (this.layers.length === 0 && !layer.declaredInputShape) {
      throw new ValueError(`the first layer ('${layer.name}') needs inputShape, e.g. layers.lstm({ units: 50, inputShape: [60, 1] })`);
    }
    if (this.layers.length > 0 && layer.vocabularySize !== null) {
      throw new ValueError(`embedding '${layer.name}' must be the first layer: its input is token ids, not an activation`);
    }
    if (this.layers.some((l) => l.name === layer.name)) throw new ValueError(`a layer named '${layer.name}' is already in the model; names must be unique`);
    this.layers.push(layer);
    return this;
  }

  /** True for a functional model (src/model/functional.ts): a graph of layers rather than a stack. */
  get isGraph(): boolean {
    return false;
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
    if (this.rt.backend === 'wasm') checkWasmLayers(this.layers);
    const { segments, total } = this.buildWeights();
    const stateful = this.layers.find((l) => l.stateful);
    if (stateful && this.fixedBatchSize === null) {
      throw new ValueError(
        `layer '${stateful.name}' is stateful: its states hold one row per batch row, so the model needs a fixed batch size; ` +
          `give the first layer batchInputShape: [batchSize, ${this.layers[0]!.declaredInputShape!.join(', ')}] (or batchSize)`,
      );
    }
    const arena = new ParameterArena(this.rt, segments, total);
    segments.forEach((seg, i) => arena.write(seg, initialize(seg.spec.init, seg.spec.shape, seededRandom(this.seed * 7919 + i))));
    this.arena = arena;
    if (stateful && this.rt.backend === 'webgpu') this.states = new ModelStates(this.rt, this.layers, this.fixedBatchSize!);
    if (stateful && this.rt.backend === 'wasm') this.hostStates = new HostStates(this.layers, this.fixedBatchSize!);
    for (const layer of this.layers) layer.attach(this);
    return this as this & { arena: ParameterArena };
  }

  /**
   * Keras's build, layer by layer (a layer that cannot take the timestep mask reaching it says so here), and the
   * layout of every weight in the arena. A functional model builds its graph instead.
   */
  protected buildWeights(): { segments: Segment[]; total: number } {
    return buildLayers(this.layers);
  }

  /**
   * For a functional model that shares this model's layers (src/model/functional.ts): the parameter arena, built
   * if it was not, and each layer's index in it. Throws DisposedError once this model is disposed.
   */
  sharedParameters(): { arena: ParameterArena; indexOf: (layer: Layer) => number } {
    const { arena } = this.ensureBuilt();
    return { arena, indexOf: (layer) => this.layers.indexOf(layer) };
  }

  /** The batch size fixed by the first layer's batchInputShape (or batchSize), else null. */
  get fixedBatchSize(): number | null {
    return this.layers[0]?.declaredBatchSize ?? null;
  }

  /** The kept states to bind a program of `batch` rows to; a stateful model runs its fixed batch size only. */
  private statesFor(batch: number): readonly (GPUBuffer[] | undefined)[] | undefined {
    if (!this.states) return undefined;
    this.checkStatefulBatch(batch, this.states.batch);
    return this.states.buffers;
  }

  /** A wasm model's batch sizes against its stateful layers' fixed one, before any batch runs (nothing to check without). */
  private checkHostBatches(sizes: readonly number[]): void {
    if (this.hostStates) for (const n of sizes) this.checkStatefulBatch(n, this.hostStates.batch);
  }

  private checkStatefulBatch(batch: number, fixed: number): void {
    if (batch !== fixed) {
      throw new ValueError(
        `model '${this.name}' has stateful layers and a fixed batch size of ${fixed}; got a batch of ${batch} samples. ` +
          `Pass batchSize: ${fixed} (the default) and a number of samples that is a multiple of ${fixed}`,
      );
    }
  }

  /** The wasm runtime's forward pass, its WebAssembly modules loaded on first use (none in a WebGPU app's bundle). */
  private async cpuModel(): Promise<CpuModel> {
    this.rt.check(); // a disposed runtime refuses, as its GPU twin does on its first buffer
    const { arena } = this.ensureBuilt();
    if (!this.cpu) {
      const { CpuModel } = await import('../cpu/model');
      this.cpu ??= new CpuModel(this.layers, arena, this.hostStates);
    }
    return this.cpu;
  }

  /** The runtime's wasm worker pool (src/cpu/threads.ts), made on first use; a disposed runtime refuses. */
  private threadPool(threads: typeof import('../cpu/threads')): import('../cpu/threads').ThreadPool {
    return this.rt.threadPoolFor(() => new threads.ThreadPool(this.rt.threads));
  }

  /** This model as the worker pool copies it: its layers and its parameter arena. */
  private threadedModel(): import('../cpu/threads').ThreadedModel {
    return { name: this.name, layers: this.layers, arena: this.arena! };
  }

  /** predict on a wasm runtime: batch by batch through the host forward pass (stateful states carry on). */
  private async predictOnCpu(samples: Samples, batchSize: number): Promise<Tensor> {
    const cpu = await this.cpuModel();
    const outSize = this.outputShape.reduce((a, b) => a * b, 1);
    // Every batch size first: a stateful model's states must not move before a ragged last batch is refused.
    this.checkHostBatches(batchSizesOf(samples.count, batchSize));
    // Split between the runtime's threads where that gains (src/cpu/threads.ts): rows are independent without kept
    // states, so each thread takes contiguous rows, batchSize at a time, with the weights as they are now (a worker
    // gets them before its rows when they changed).
    if (this.rt.threads > 1 && !this.hostStates) {
      const threads = await import('../cpu/threads');
      if (threads.worthSplitting(samples.count, this.inputTimesteps(), this.arena!.total)) {
        const data = await this.threadPool(threads).forward(this.threadedModel(), samples.data, samples.count, this.inputShape, outSize, batchSize, cpu);
        return { data, shape: [samples.count, ...this.outputShape] };
      }
    }
    // Every batch in one go, with no turn for the page between them: a fit or setWeights in such a turn would
    // give the later batches other weights (the GPU path queues all of them at once, on one snapshot, likewise).
    const out = new Float32Array(samples.count * outSize);
    cpu.forwardBatches(samples.data, 0, samples.count, batchSize, this.inputShape, out);
    return { data: out, shape: [samples.count, ...this.outputShape] };
  }

  protected get idsInput(): boolean {
    return this.layers[0]!.vocabularySize !== null;
  }

  protected inputTimesteps(): number | null {
    const s = this.inputShape;
    return s.length >= 2 || this.idsInput ? s[0]! : null;
  }

  protected outputTimesteps(): number | null {
    const s = this.outputShape;
    return s.length >= 2 ? s[0]! : null;
  }

  protected checkX(x: TensorLike, name = 'x'): Samples {
    const what = this.idsInput ? 'token ids [batch, timesteps]' : this.inputShape.length === 2 ? '[batch, timesteps, features]' : '[batch, features]';
    const samples = samplesOf(x, name, this.inputShape, what);
    if (this.idsInput) {
      const dim = this.layers[0]!.vocabularySize!;
      const bad = samples.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= dim);
      if (bad >= 0)
        throw new ValueError(
          `${name} holds token ids for embedding '${this.layers[0]!.name}', integers in [0, ${dim}); ${name} at flat index ${bad} is ${samples.data[bad]}`,
        );
    }
    return samples;
  }

  protected bound(batch: number, window: TimeWindow | null = null): BoundModel {
    return cachedProgram(this.inference, programKey(batch, window), () => this.makeBound(batch, window), this.programsKept);
  }

  /** An inference program for `batch` rows (cached by bound()). */
  protected makeBound(batch: number, window: TimeWindow | null): BoundModel {
    return bindModel(this.rt, this.layers, this.ensureBuilt().arena, batch, false, this.idsInput, {
      states: this.statesFor(batch),
      ...(window ? { timesteps: window.steps } : {}),
    });
  }

  /** How many programs a mode keeps (cachedProgram): four per window length when batches are cropped. */
  private get programsKept(): number {
    return croppableMask(this.layers) ? PROGRAMS_PER_MODE * WINDOW_LENGTHS : PROGRAMS_PER_MODE;
  }

  /**
   * The steps a batch of samples `indices` runs: the window of its real steps when the model's padding can be left
   * out (src/model/timeWindow.ts), else null (all of them).
   */
  protected windowOf(x: Samples, indices: ArrayLike<number>): TimeWindow | null {
    const timesteps = this.inputTimesteps();
    const isReal = timesteps === null ? null : croppableMask(this.layers);
    if (!isReal) return null;
    const window = batchWindow(x, indices, timesteps!, isReal);
    return window.steps === timesteps ? null : window;
  }

  /** Runs the model on x in batches; one submit per batch and a single readback at the end. */
  async predict(x: TensorLike, args: { batchSize?: number } = {}): Promise<Out> {
    this.ensureBuilt();
    const samples = this.checkX(x);
    const batchSize = checkBatchSize(args.batchSize ?? this.fixedBatchSize ?? 32);
    if (this.rt.backend === 'wasm') return this.predictOnCpu(samples, batchSize).catch((e: unknown) => Promise.reject(this.afterFailure(e))) as Promise<Out>;
    const outSize = this.outputShape.reduce((a, b) => a * b, 1);
    const result = this.rt.createBuffer('predict output', samples.count * outSize * 4);
    try {
      // Pipelines compile before the first batch, concurrently (never inside the loop).
      await Promise.all(batchSizesOf(samples.count, batchSize).map((n) => this.bound(n).forward.prepare()));
      const steps = this.inputTimesteps();
      for (let start = 0; start < samples.count; start += batchSize) {
        const n = Math.min(batchSize, samples.count - start);
        const indices = Uint32Array.from({ length: n }, (_, i) => start + i);
        const window = this.windowOf(samples, indices);
        const b = this.bound(n, window);
        this.rt.write(b.input, gatherBatch(samples, indices, steps, window));
        b.forward.run([{ from: b.output.buffer, fromOffset: b.output.offset, to: result, toOffset: start * outSize, floats: n * outSize }]);
      }
      const raw = await this.rt.read(result, samples.count * outSize);
      const out = new Float32Array(raw.length);
      const outSteps = this.outputTimesteps();
      for (let start = 0; start < samples.count; start += batchSize) {
        const n = Math.min(batchSize, samples.count - start);
        scatterBatch(raw.subarray(start * outSize, (start + n) * outSize), n, outSteps, out, start);
      }
      return { data: out, shape: [samples.count, ...this.outputShape] } as Out;
    } catch (e) {
      throw this.afterFailure(e);
    } finally {
      this.rt.destroyBuffer(result);
    }
  }

  /**
   * Streaming inference for a stateful model: feeds one timestep x ([batch, features], or token ids [batch];
   * the model's fixed batch size) and returns the output for it ([batch, outputs]); the states stay on the GPU
   * for the next step. One submit and one small readback per step (src/model/streaming.ts). It shares weights
   * and states with predict and fit: call resetStates() to start a new sequence. Named for what it does (one
   * step of predict); Keras users call predict_on_batch on a second model built with timesteps 1 instead.
   */
  async predictStep(x: TensorLike): Promise<Tensor> {
    const { arena } = this.ensureBuilt();
    const forgetful = this.layers.find((l) => l.stateSizes().length > 0 && !l.stateful);
    const keptBatch = this.layers.some((l) => l.stateful) ? this.fixedBatchSize : null;
    if (keptBatch === null || forgetful) {
      const which = forgetful ? `layer '${forgetful.name}' is not stateful, so it would forget its state after every step` : 'the model has no stateful layer';
      throw new ValueError(
        `predictStep feeds one timestep at a time and needs every recurrent layer stateful: ${which}. Build them with stateful: true and give the first layer batchInputShape`,
      );
    }
    const mixing = this.layers.find((l) => l.mixesTimesteps);
    if (mixing) {
      throw new ValueError(
        `predictStep feeds one timestep at a time, but layer '${mixing.name}' (${mixing.className}) works on whole sequences; use predict on the sequence`,
      );
    }
    const batch = keptBatch;
    const first = this.layers[0]!;
    const data = stepInput(x, batch, this.inputShape, first.vocabularySize !== null ? { inputDim: first.vocabularySize } : null);
    if (this.rt.backend === 'wasm') {
      const out = (await this.cpuModel()).forward(data, batch, [1, ...this.inputShape.slice(1)]);
      return { data: out, shape: [batch, out.length / batch] };
    }
    this.stream ??= new StreamProgram(this.rt, this.layers, arena, batch, this.idsInput, this.states!.buffers);
    const out = await this.stream.step(data).catch((e: unknown) => Promise.reject(this.afterFailure(e)));
    return { data: out, shape: [batch, this.stream.outputCols] };
  }

  /** Keras reset_states: zeroes the kept states of every stateful layer (a new sequence starts). */
  resetStates(): void {
    this.ensureBuilt();
    this.states?.reset();
    this.hostStates?.reset();
  }

  resetLayerStates(layer: Layer, states?: TensorLike[]): void {
    const index = this.layerIndex(layer);
    this.ensureBuilt();
    if (this.hostStates) return this.hostStates.reset(index, states);
    if (!this.states) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states; build it with stateful: true`);
    this.states.reset(index, states);
  }

  getLayerStates(layer: Layer): Promise<Tensor[]> {
    const index = this.layerIndex(layer);
    this.ensureBuilt();
    if (this.hostStates) return Promise.resolve(this.hostStates.read(index));
    if (!this.states) throw new ValueError(`layer '${layer.name}' is not stateful, so it keeps no states; build it with stateful: true`);
    return this.states.read(index);
  }

  async applyLayer(
    layer: Layer,
    x: TensorLike,
    initialState: TensorLike[] | null,
    mask: TensorLike | null = null,
  ): Promise<{ output: Tensor; states: Tensor[] }> {
    const index = this.layerIndex(layer);
    const { arena } = this.ensureBuilt();
    if (this.rt.backend === 'wasm') {
      // The layer's host runner (src/cpu/apply.ts), loaded on first use as predict's is.
      const { applyOnHost } = await import('../cpu/apply');
      const kept = this.hostStates?.states[index];
      return applyOnHost({ layer, index, arena, x, initialState, mask, kept: kept?.length ? { states: kept, batch: this.hostStates!.batch } : null });
    }
    const buffers = this.states?.buffers[index];
    return applyLayer({ rt: this.rt, layer, index, arena, x, initialState, mask, kept: buffers ? { buffers, batch: this.states!.batch } : null });
  }

  /**
   * Chooses the optimizer, loss and metrics. Compiling again starts a fresh optimizer (its slots and step
   * count), as in Keras; the weights are kept.
   */
  /** compile() calls so far: mixed into the dropout masks' seed (trainProgram). */
  private compiles = 0;

  compile(args: CompileArgs): void {
    this.ensureBuilt();
    if (this.fitting) throw new ValueError('compile was called while fit is running; wait for fit to finish');
    const compiled = this.resolveCompileArgs(args);
    this.releaseTraining();
    this.compiles++;
    this.compiled = compiled;
    const length = accumulatorLength(compiled);
    // A wasm runtime's trainer (and its WebAssembly modules) is made by the first fit or evaluate.
    if (this.rt.backend === 'wasm') {
      this.hostAccumulators = { train: new Float32Array(length), evaluate: new Float32Array(length) };
      this.hostOptimizer = new HostOptimizer(compiled.optimizer, this.arena!.total);
      return;
    }
    this.optimizerState = new OptimizerState(this.rt, this.arena!, compiled.optimizer);
    this.accumulators = { train: this.rt.zeros('train accumulator', length), evaluate: this.rt.zeros('evaluate accumulator', length) };
  }

  /** compile's arguments resolved against this model's output. */
  protected resolveCompileArgs(args: CompileArgs): Compiled {
    return resolveCompile(args, this.outputShape[this.outputShape.length - 1]!);
  }

  protected get isCompiled(): Compiled {
    if (!this.compiled) throw new ValueError("the model must be compiled before fit or evaluate: model.compile({ optimizer: 'adam', loss: 'mse' })");
    return this.compiled;
  }

  /** Targets: the output shape, or class ids ([..., 1] or without the last axis) for sparse losses. */
  protected checkY(y: TensorLike, name: string): Samples {
    const out = this.outputShape;
    if (this.isCompiled.loss.kind !== 'sparseCategoricalCrossentropy') return samplesOf(y, name, out, 'the model output shape');
    const samples = samplesOf(y, name, null, 'class ids');
    const ids = out.slice(0, -1);
    const ok = [ids, [...ids, 1]].some((s) => s.length === samples.sampleShape.length && s.every((d, i) => d === samples.sampleShape[i]));
    if (!ok)
      throw new ShapeError(
        `${name} must hold class ids ${formatShape(['*', ...ids])} (or ${formatShape(['*', ...ids, 1])}) for sparseCategoricalCrossentropy; got ${formatShape([samples.count, ...samples.sampleShape])}`,
      );
    return { ...samples, sampleShape: ids };
  }

  protected trainProgram(batch: number, window: TimeWindow | null = null): TrainProgram {
    return cachedProgram(this.training, programKey(batch, window), () => this.makeTrainProgram(batch, window), this.programsKept);
  }

  /** The optimizer's state and the loss accumulators, made by compile (on a WebGPU runtime). */
  protected trainingState(): { optimizerState: OptimizerState; accumulators: { train: GPUBuffer; evaluate: GPUBuffer } } {
    return { optimizerState: this.optimizerState!, accumulators: this.accumulators! };
  }

  /** A training program for `batch` rows (cached by trainProgram()). */
  protected makeTrainProgram(batch: number, window: TimeWindow | null): TrainProgram {
    const states = this.statesFor(batch);
    return buildTrainProgram(this.rt, this.layers, this.arena!, this.optimizerState!, this.isCompiled, batch, this.idsInput, this.accumulators!, {
      ...(states ? { states } : {}),
      ...(window ? { timesteps: window.steps } : {}),
      ...this.randomness(batch),
    });
  }

  /** The seed and the step counters of the dropout masks in a training program of `batch` rows. */
  protected randomness(batch: number): { seed: number; randomCounter: (layer: number, stream: string) => GPUBuffer } {
    return { seed: this.dropoutSeed(), randomCounter: (layer, stream) => this.randomCounter(`${batch}/${layer}/${stream}`) };
  }

  /**
   * Dropout masks' seed: the model's seed and how many times it was compiled. A compile starts the step counters (and
   * the wasm trainer's stream) over; without the count a new compile would replay the old masks.
   */
  private dropoutSeed(): number {
    return (this.seed + Math.imul(this.compiles - 1, 0x632be5ab)) >>> 0;
  }

  /** A dropout stream's step counter, made zero on first use and kept until the next compile. */
  private randomCounter(key: string): GPUBuffer {
    let counter = this.randomCounters.get(key);
    if (!counter) {
      counter = this.rt.zeros(`dropout step counter ${key}`, 1);
      this.randomCounters.set(key, counter);
    }
    return counter;
  }

  /**
   * Compiles, concurrently, the pipelines of the plans that passes over these sample counts will run; on a wasm
   * runtime, makes the trainer (refusing, by name, a layer it cannot train yet).
   */
  private async prepareTraining(train: number, evaluate: number, batchSize: number, what = 'model.fit'): Promise<void> {
    if (this.rt.backend === 'wasm') {
      const { CpuTrainer, checkWasmTraining, drawsInTraining } = await import('../cpu/training');
      checkWasmTraining(this.layers, this.arena!.segments, what);
      // Threads train a batch's rows apart: only rows that do not meet, without kept states or dropout's draws.
      if (this.rt.threads > 1 && !this.hostStates && !drawsInTraining(this.layers)) this.cpuThreads ??= await import('../cpu/threads');
      // Every batch size before the first batch runs, as the GPU path's programs (statesFor) check them.
      this.checkHostBatches([...batchSizesOf(train, batchSize), ...batchSizesOf(evaluate, batchSize)]);
      this.cpuTrainer ??= new CpuTrainer(this.layers, this.arena!, this.isCompiled, this.hostStates, this.hostOptimizer!, this.dropoutSeed());
      return;
    }
    const plans = [
      ...batchSizesOf(train, batchSize).map((n) => this.trainProgram(n).train),
      ...batchSizesOf(evaluate, batchSize).map((n) => this.trainProgram(n).evaluate),
    ];
    await Promise.all(plans.map((p) => p.prepare()));
  }

  /**
   * Queues one batch: uploads x and y rows `indices` and submits the chosen plan. Reads nothing back. On a wasm
   * runtime the batch runs now; a training batch split between threads returns when they are done.
   */
  private runBatch(x: Samples, y: Samples, indices: ArrayLike<number>, plan: 'train' | 'evaluate'): Promise<void> | void {
    if (this.cpuTrainer) {
      // The wasm backend: the step runs now, batch-major, into the host accumulator.
      const [xb, yb, acc] = [gatherBatch(x, indices, null), gatherBatch(y, indices, null), this.hostAccumulators![plan === 'train' ? 'train' : 'evaluate']];
      const n = indices.length;
      if (plan === 'train' && this.cpuThreads?.worthSplitting(n, this.inputTimesteps(), this.arena!.total)) {
        return this.threadPool(this.cpuThreads).train(this.threadedModel(), this.cpuTrainer, this.isCompiled, xb, yb, n, this.inputShape, acc);
      }
      if (plan === 'train') this.cpuTrainer.trainBatch(xb, yb, n, this.inputShape, acc);
      else this.cpuTrainer.evaluateBatch(xb, yb, n, this.inputShape, acc);
      return;
    }
    const window = this.windowOf(x, indices);
    const p = this.trainProgram(indices.length, window);
    this.writeBatch(p, x, y, indices, window);
    p[plan].run();
  }

  /** Writes the rows `indices` of x and y where a training program reads them. */
  protected writeBatch(p: TrainProgram, x: Samples, y: Samples, indices: ArrayLike<number>, window: TimeWindow | null): void {
    this.rt.write(p.bound.input, gatherBatch(x, indices, this.inputTimesteps(), window));
    this.rt.write(p.targets, gatherBatch(y, indices, this.outputTimesteps()));
  }

  private queueEvaluation(x: Samples, y: Samples, batchSize: number): void {
    this.resetAccumulator('evaluate');
    for (let start = 0; start < x.count; start += batchSize) {
      const n = Math.min(batchSize, x.count - start);
      this.runBatch(
        x,
        y,
        Uint32Array.from({ length: n }, (_, i) => start + i),
        'evaluate',
      );
    }
  }

  /**
   * Trains for `epochs` epochs. Each batch is one submit with forward, loss, backward, clipping and the
   * optimizer; the loss comes back once per epoch (per batch only when a callback has onBatchEnd).
   */
  async fit(x: TensorLike, y: TensorLike, args: FitArgs = {}): Promise<History> {
    this.ensureBuilt();
    void this.isCompiled; // not compiled: that error first
    if (this.fitting) throw new ValueError('fit was called while another fit on this model is running; await the first one');
    const { batchSize, epochs, initialEpoch, validationSplit, validationData, shuffle, seed, verbose, callbacks, stopOnNonFinite } = resolveFitArgs(
      args,
      this.fixedBatchSize ?? 32,
    );

    const xs = this.checkX(x);
    const ys = this.checkY(y, 'y');
    if (xs.count !== ys.count) throw new ShapeError(`x and y must hold the same number of samples; x has ${xs.count}, y has ${ys.count}`);
    const parts = splitValidation(xs, ys, validationSplit);
    let val = parts.val;
    if (validationData) {
      const vx = this.checkX(validationData[0], 'validationData[0]'); // token ids are range-checked too
      const vy = this.checkY(validationData[1], 'validationData[1]');
      if (vx.count !== vy.count) throw new ShapeError(`validationData x and y must hold the same number of samples; got ${vx.count} and ${vy.count}`);
      val = [vx, vy];
    }
    const [tx, ty] = parts.train;

    this.fitting = true;
    this.stopTraining = false;
    const random = seededRandom(seed ?? this.seed + 1);
    const history: History = {
      epoch: [],
      history: {},
      params: { epochs, samples: tx.count, batchSize, steps: Math.ceil(tx.count / batchSize), validationSamples: val?.[0].count ?? 0 },
    };
    try {
      await this.prepareTraining(tx.count, val?.[0].count ?? 0, batchSize);
      for (const cb of callbacks) cb.setModel?.(this);
      for (const cb of callbacks) await cb.onTrainBegin?.();
      const perBatch = callbacks.some((cb) => cb.onBatchEnd);
      const progress = new BatchProgress(this.queue(), callbacks);
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
        this.resetAccumulator('train');
        const order = shuffle ? permutation(tx.count, random) : Uint32Array.from({ length: tx.count }, (_, i) => i);
        for (let b = 0, start = 0; start < tx.count; b++, start += batchSize) {
          const indices = order.subarray(start, Math.min(start + batchSize, tx.count));
          await progress.begin(b, indices.length);
          await this.runBatch(tx, ty, indices, 'train');
          if (this.cpuTrainer) await breathe();
          await progress.submitted(b, indices.length);
          if (perBatch) await progress.flush(); // onBatchProgress(b) before onBatchEnd(b), whose readback waits anyway
          if (perBatch) await this.batchEnd(b, { epoch, epochs, steps: history.params.steps }, callbacks, stopOnNonFinite);
        }
        await progress.flush();
        if (val) this.queueEvaluation(val[0], val[1], batchSize);
        await this.epochEnd(epoch, epochs, history, val !== null, { callbacks, verbose, stopOnNonFinite });
      }
      for (const cb of callbacks) await cb.onTrainEnd?.();
      return history;
    } catch (e) {
      throw this.afterFailure(e);
    } finally {
      this.fitting = false;
    }
  }

  /**
   * Trains on a dataset of `{ xs, ys }` batches, as TF.js's fitDataset: a tf.data.Dataset, an async iterable (a
   * stream that never holds the whole data) or an iterable (src/model/dataset.ts). Each batch is one submit, as in
   * fit, in the order the dataset yields them (shuffle in the dataset); one readback per epoch. With
   * `batchesPerEpoch` one iterator runs on across epochs and training stops early if it ends; without it each
   * epoch runs a fresh iterator to its end. A batch of the wrong shape, or an iterator that throws, is a typed
   * error naming epoch and batch; the weights of the last completed epoch stay in getLastGoodWeights().
   */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    this.ensureBuilt();
    void this.isCompiled; // throws, saying to compile first, when compile was not called
    if (this.fitting) throw new ValueError('fitDataset was called while another fit on this model is running; await the first one');
    const o = resolveFitDatasetArgs(args);
    const pair = validationPair(o.validationData);
    const valArrays = pair ? this.checkXY(pair[0], pair[1], 'validationData') : null;
    checkDataset(dataset, 'fitDataset');
    this.fitting = true;
    this.stopTraining = false;
    const steps = o.batchesPerEpoch ?? 0;
    const history: History = {
      epoch: [],
      history: {},
      params: { epochs: o.epochs, samples: 0, batchSize: 0, steps, validationSamples: valArrays?.[0].count ?? 0 },
    };
    const prepared = new Set<number>();
    /** Checks and queues one batch; `before` runs between the check and the queueing (onBatchBegin). */
    const runBatch = async (batch: Batch, where: string, plan: 'train' | 'evaluate', before?: (count: number) => Promise<void>) => {
      const [xs, ys] = this.checkXY(batch.xs, batch.ys, where);
      if (!prepared.has(xs.count)) {
        await this.prepareTraining(xs.count, xs.count, xs.count, 'model.fitDataset');
        prepared.add(xs.count);
      }
      await before?.(xs.count);
      await this.runBatch(
        xs,
        ys,
        Uint32Array.from({ length: xs.count }, (_, i) => i),
        plan,
      );
      if (this.cpuTrainer) await breathe();
      return xs.count;
    };
    let iterator: BatchIterator | null = null;
    try {
      for (const cb of o.callbacks) cb.setModel?.(this);
      for (const cb of o.callbacks) await cb.onTrainBegin?.();
      const perBatch = o.callbacks.some((cb) => cb.onBatchEnd);
      const progress = new BatchProgress(this.queue(), o.callbacks, true);
      iterator = o.batchesPerEpoch !== null ? await openDataset(dataset, 'fitDataset') : null;
      for (let epoch = o.initialEpoch; epoch < o.epochs && !this.stopTraining; epoch++) {
        for (const cb of o.callbacks) await cb.onEpochBegin?.(epoch);
        this.resetAccumulator('train');
        if (o.batchesPerEpoch === null) iterator = await openDataset(dataset, 'fitDataset');
        let b = 0;
        let samples = 0;
        for (; o.batchesPerEpoch === null || b < o.batchesPerEpoch; b++) {
          const where = `fitDataset, epoch ${epoch}, batch ${b}`;
          const batch = await nextBatch(iterator!, where);
          if (!batch) break;
          const size = await runBatch(batch, where, 'train', (count) => progress.begin(b, count));
          samples += size;
          await progress.submitted(b, size);
          if (perBatch) await progress.flush();
          if (perBatch) await this.batchEnd(b, { epoch, epochs: o.epochs, steps: b + 1 }, o.callbacks, o.stopOnNonFinite);
        }
        await progress.flush();
        if (b === 0) {
          if (epoch === o.initialEpoch)
            throw new ValueError(`fitDataset: the dataset yielded no batches in epoch ${epoch}; give it at least one { xs, ys } batch`);
          console.warn(`fitDataset: the dataset ran out before epoch ${epoch}; training stops after ${history.epoch.length} epochs`);
          break;
        }
        // A stream that ends before batchesPerEpoch: this epoch counts, and training stops, as in TF.js.
        if (o.batchesPerEpoch !== null && b < o.batchesPerEpoch) this.stopTraining = true;
        history.params = { ...history.params, samples, steps: b, batchSize: Math.ceil(samples / b) };
        const validated = await this.queueValidation(o, valArrays, runBatch, epoch);
        await this.epochEnd(epoch, o.epochs, history, validated, o);
      }
      for (const cb of o.callbacks) await cb.onTrainEnd?.();
      return history;
    } catch (e) {
      throw this.afterFailure(e);
    } finally {
      this.fitting = false;
      await closeIterator(iterator);
    }
  }

  /** fitDataset's validation after an epoch: the arrays in batches of 32, or the batches of a dataset. */
  private async queueValidation(
    o: ResolvedFitDatasetArgs,
    arrays: [Samples, Samples] | null,
    runBatch: (batch: Batch, where: string, plan: 'train' | 'evaluate') => Promise<number>,
    epoch: number,
  ): Promise<boolean> {
    if (arrays) {
      await this.prepareTraining(0, arrays[0].count, 32, 'model.fitDataset');
      this.queueEvaluation(arrays[0], arrays[1], 32);
      return true;
    }
    if (!o.validationData) return false;
    this.resetAccumulator('evaluate');
    const iterator = await openDataset(o.validationData, 'fitDataset validationData');
    const bound = new BatchProgress(this.queue(), [], true); // two batches queued at most, as in training
    let b = 0;
    try {
      for (; o.validationBatches === null || b < o.validationBatches; b++) {
        const where = `fitDataset validationData, epoch ${epoch}, batch ${b}`;
        const batch = await nextBatch(iterator, where);
        if (!batch) break;
        await bound.submitted(b, await runBatch(batch, where, 'evaluate'));
      }
      await bound.flush();
    } finally {
      await closeIterator(iterator);
    }
    if (b === 0) throw new ValueError(`fitDataset: validationData yielded no batches after epoch ${epoch}`);
    return true;
  }

  /** evaluate over a dataset of `{ xs, ys }` batches (TF.js's evaluateDataset): the loss, or [loss, ...metrics]. */
  async evaluateDataset(dataset: Dataset, args: { batches?: number } = {}): Promise<number | number[]> {
    this.ensureBuilt();
    const compiled = this.isCompiled;
    const limit = args.batches ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new ValueError(`evaluateDataset: batches must be a positive integer; got ${JSON.stringify(limit)}`);
    const iterator = await openDataset(dataset, 'evaluateDataset');
    this.resetAccumulator('evaluate');
    const bound = new BatchProgress(this.queue(), [], true); // two batches queued at most
    let b = 0;
    try {
      for (; limit === null || b < limit; b++) {
        const where = `evaluateDataset, batch ${b}`;
        const batch = await nextBatch(iterator, where);
        if (!batch) break;
        const [xs, ys] = this.checkXY(batch.xs, batch.ys, where);
        await this.prepareTraining(0, xs.count, xs.count, 'model.evaluateDataset');
        this.runBatch(
          xs,
          ys,
          Uint32Array.from({ length: xs.count }, (_, i) => i),
          'evaluate',
        );
        await bound.submitted(b, xs.count);
      }
      await bound.flush();
      if (b === 0) throw new ValueError('evaluateDataset: the dataset yielded no batches');
      const acc = await this.readAccumulator('evaluate');
      return evaluationResult(logsFromAccumulator(acc, compiled), compiled);
    } catch (e) {
      throw this.afterFailure(e);
    } finally {
      await closeIterator(iterator);
    }
  }

  /** x and y checked against the model, with the same number of samples; `where` names them in errors. */
  private checkXY(x: TensorLike, y: TensorLike, where: string): [Samples, Samples] {
    const xs = this.checkX(x, `${where}: xs`);
    const ys = this.checkY(y, `${where}: ys`);
    if (xs.count !== ys.count) throw new ShapeError(`${where}: xs and ys must hold the same number of samples; xs has ${xs.count}, ys has ${ys.count}`);
    return [xs, ys];
  }

  /** After a batch, when a callback has onBatchEnd: one readback of the running loss, the NaN check, the logs. */
  private async batchEnd(batch: number, at: { epoch: number; epochs: number; steps: number }, callbacks: Callback[], stopOnNonFinite: boolean): Promise<void> {
    const compiled = this.isCompiled;
    const acc = await this.readAccumulator('train');
    const bad = stopOnNonFinite ? nonFiniteLoss(acc, compiled, at, this.lastGood) : null;
    if (bad) throw bad;
    const logs = logsFromAccumulator(acc, compiled);
    addTfjsAliases(logs);
    for (const cb of callbacks) await cb.onBatchEnd?.(batch, logs);
  }

  /**
   * The end of an epoch of fit or fitDataset, after its batches and validation were queued: one readback (the loss
   * sums and every weight, kept on the host as the last good epoch), the NaN check, history, logs, callbacks.
   */
  private async epochEnd(
    epoch: number,
    epochs: number,
    history: History,
    validated: boolean,
    o: { callbacks: Callback[]; verbose: 0 | 1; stopOnNonFinite: boolean },
  ): Promise<void> {
    const compiled = this.isCompiled;
    const {
      train: trainAcc,
      val: valAcc,
      weights,
    } = this.hostAccumulators ? await this.readHostEpochEnd(validated) : await readEpochEnd(this.rt, this.arena!, this.accumulators!, compiled, validated);
    const bad = nonFiniteLoss(trainAcc, compiled, { epoch, epochs, steps: history.params.steps }, this.lastGood);
    if (bad && o.stopOnNonFinite) throw bad;
    if (!bad) this.lastGood = { epoch, weights };
    const logs: Logs = { ...logsFromAccumulator(trainAcc!, compiled), ...(valAcc ? logsFromAccumulator(valAcc, compiled, 'val_') : {}) };
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
    addTfjsAliases(logs);
    addTfjsAliases(history.history);
    if (o.verbose === 1)
      console.log(
        `Epoch ${epoch + 1}/${epochs} - ${Object.entries(logs)
          .map(([k, v]) => `${k}: ${v.toPrecision(4)}`)
          .join(' - ')}`,
      );
    for (const cb of o.callbacks) await cb.onEpochEnd?.(epoch, logs);
  }

  /**
   * The weights after the last epoch whose loss was finite, as fit last read them back (one readback per
   * epoch, never per batch), or null before any such epoch. A host copy: it needs no GPU, so it is what is left
   * after a DeviceLostError (load it into a model on a new runtime with setWeights and continue with
   * `initialEpoch: epoch + 1`) or a NonFiniteLossError (restore it with setWeights). Named after getWeights,
   * whose order and shapes it has; Keras keeps the same thing on disk in its BackupAndRestore callback.
   */
  getLastGoodWeights(): LastGoodWeights | null {
    if (this.disposed) throw new DisposedError(`model '${this.name}' was disposed; build a new one`);
    if (!this.lastGood) return null;
    return { epoch: this.lastGood.epoch, weights: this.lastGood.weights.map((w) => ({ data: w.data.slice(), shape: [...w.shape] })) };
  }

  /**
   * A buffer whose allocation failed stays invalid, and every readback fails while it lives: drop the cached
   * per-batch-size programs (they are rebuilt on the next call), so a retry, e.g. with a smaller batchSize, can work.
   */
  private afterFailure(e: unknown): unknown {
    if (e instanceof OutOfMemoryError) {
      for (const b of this.inference.values()) b.destroy();
      this.inference.clear();
      for (const p of this.training.values()) p.destroy();
      this.training.clear();
      this.stream?.destroy();
      this.stream = null;
      // The wasm backend's WebAssembly memories never shrink: let them go, so a retry with a smaller batch starts
      // from what it needs (the optimizer's state lives in hostOptimizer, the kept states in hostStates). Not the
      // trainer of a fit still running (a fitRidge or predict between its batches ran out): it goes on with it.
      if (!this.fitting) this.cpuTrainer = null;
      this.cpu = null;
    }
    return e;
  }

  /** Loss (and metrics) on x, y: a number without metrics, else [loss, ...metrics], as Keras returns. */
  /**
   * Fits the linear Dense readout after an EchoState reservoir (the model's last two layers) in closed form, by
   * ridge regression on the reservoir's outputs: the Gram matrices summed on the GPU, the solve in float64
   * (src/model/ridge.ts). y is the model's output shape; no compile needed. Returns the rows fitted and their MSE.
   */
  async fitRidge(x: TensorLike, y: TensorLike, options: RidgeOptions = {}): Promise<RidgeResult> {
    const { arena } = this.ensureBuilt();
    const xs = this.checkX(x);
    const ys = samplesOf(y, 'y', this.outputShape, 'the model output shape');
    if (ys.count !== xs.count) throw new ShapeError(`fitRidge: x has ${xs.count} samples and y ${ys.count}; give one target per sample`);
    const model = {
      rt: this.rt,
      layers: this.layers,
      arena,
      idsInput: this.idsInput,
      inputTimesteps: this.inputTimesteps(),
      outputTimesteps: this.outputTimesteps(),
    };
    try {
      // The wasm backend runs the reservoir and the sums on the host (src/cpu/ridge.ts), loaded on first use.
      const { readout, kernel, bias, result } =
        this.rt.backend === 'wasm'
          ? (await import('../cpu/ridge')).ridgeOnHost(model, xs, ys, options, this.hostStates ? null : await this.cpuModel())
          : await ridgeReadout(model, xs, ys, options);
      const [units, outputs] = [kernel.length / readout.units, readout.units];
      this.setLayerWeights(readout, [{ data: kernel, shape: [units, outputs] }, ...(bias ? [{ data: bias, shape: [outputs] }] : [])]);
      return result;
    } catch (e) {
      throw this.afterFailure(e);
    }
  }

  async evaluate(x: TensorLike, y: TensorLike, args: { batchSize?: number } = {}): Promise<number | number[]> {
    this.ensureBuilt();
    const compiled = this.isCompiled;
    const batchSize = checkBatchSize(args.batchSize ?? this.fixedBatchSize ?? 32);
    const xs = this.checkX(x);
    const ys = this.checkY(y, 'y');
    if (xs.count !== ys.count) throw new ShapeError(`x and y must hold the same number of samples; x has ${xs.count}, y has ${ys.count}`);
    await this.prepareTraining(0, xs.count, batchSize, 'model.evaluate').catch((e: unknown) => Promise.reject(this.afterFailure(e)));
    this.queueEvaluation(xs, ys, batchSize);
    const acc = await this.readAccumulator('evaluate').catch((e: unknown) => Promise.reject(this.afterFailure(e)));
    return evaluationResult(logsFromAccumulator(acc, compiled), compiled);
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
    const segs = arena.segments;
    const tensors = checkWeightList(segs, weights, {
      count: (got) => `setWeights expects ${segs.length} tensors (${segs.map((s) => s.path).join(', ')}); got ${got}`,
      shapePrefix: 'setWeights: ',
    });
    tensors.forEach((t, i) => arena.write(segs[i]!, t.data));
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
    const tensors = checkWeightList(segs, weights, {
      count: (got) => `layer '${layer.name}' has ${segs.length} weights (${segs.map((s) => s.spec.name).join(', ')}); got ${got}`,
      shapePrefix: '',
    });
    tensors.forEach((t, i) => arena.write(segs[i]!, t.data));
  }

  private layerIndex(layer: Layer): number {
    const index = this.layers.indexOf(layer);
    if (index < 0) throw new ValueError(`layer '${layer?.name}' is not part of model '${this.name}'`);
    return index;
  }

  /**
   * Saves the model as TF.js does (model.json + weights, TF.js's layers-model format) to 'indexeddb://name',
   * 'downloads://name', 'file://dir' (Node) or a sink; { includeOptimizer: true } adds the training config and
   * optimizer state. Load it with loadLayersModel (or TF.js's tf.loadLayersModel). See src/model/save.ts.
   */
  /**
   * The model as ONNX bytes (a ModelProto), with ONNX's LSTM/GRU/RNN operators: src/io/onnx/toOnnx.ts says what
   * maps to what and what is refused. Loaded when first used, as save is.
   */
  async toOnnx(options: OnnxExportOptions = {}): Promise<Uint8Array> {
    const [{ modelArtifacts }, { layersModelToOnnx }] = await Promise.all([import('./save'), import('../io/onnx/toOnnx')]);
    return layersModelToOnnx(await modelArtifacts(this.persistenceView()), options, `model '${this.name}'`);
  }

  async save(destination: string | ArtifactsSink, options: SaveOptions = {}): Promise<SaveResult> {
    // Loaded when first used: an app that never saves does not carry the model-file and storage code.
    const { saveModel } = await import('./save');
    return saveModel(this.persistenceView(), destination, options);
  }

  /** For save and load only (src/model/save.ts, load.ts): the model's parameter arena and training setup. */
  persistenceView(): PersistenceView {
    const arena = this.ensureBuilt().arena;
    return {
      rt: this.rt,
      name: this.name,
      layers: this.layers,
      arena,
      compiled: this.compiled,
      optimizer: this.optimizerState ?? this.hostOptimizer,
    };
  }

  countParams(): number {
    return this.ensureBuilt().arena.segments.reduce((a, s) => a + s.length, 0);
  }

  /** Prints (or passes to printFn) a Keras-like table and returns it. */
  summary(printFn: (line: string) => void = console.log): string {
    const arena = this.ensureBuilt().arena;
    const counts = this.layers.map((_, i) => arena.segments.filter((s) => s.layer === i).reduce((a, s) => a + s.length, 0));
    const frozen = arena.segments.filter((s) => s.spec.trainable === false).reduce((a, s) => a + s.length, 0);
    const lines = summaryLines(this.name, this.layers, counts, frozen);
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
    if (this.fitting) throw new ValueError('dispose() was called while fit is running; await fit first (or set model.stopTraining = true)');
    this.releasePrograms();
    if (this.arena) this.rt.releaseThreaded(this.arena);
    this.arena?.destroy();
    this.arena = null;
    this.states?.destroy();
    this.states = null;
    this.cpu = null;
    this.hostStates = null;
    this.disposed = true;
  }

  protected releasePrograms(): void {
    for (const b of this.inference.values()) b.destroy();
    this.inference.clear();
    this.stream?.destroy();
    this.stream = null;
    this.releaseTraining();
  }

  /** The queue fit's batch progress waits on: the device's, or (wasm: every batch has run when it returns) none. */
  private queue(): Pick<GPUQueue, 'onSubmittedWorkDone'> {
    return this.rt.backend === 'wasm' ? { onSubmittedWorkDone: () => Promise.resolve(undefined) } : this.rt.device.queue;
  }

  private resetAccumulator(which: 'train' | 'evaluate'): void {
    if (this.hostAccumulators) this.hostAccumulators[which].fill(0);
    else this.rt.write(this.accumulators![which], new Float32Array(accumulatorLength(this.isCompiled)));
  }

  private async readAccumulator(which: 'train' | 'evaluate'): Promise<Float32Array> {
    if (this.hostAccumulators) return this.hostAccumulators[which].slice();
    return this.rt.read(this.accumulators![which], accumulatorLength(this.isCompiled));
  }

  /** readEpochEnd's result on a wasm runtime: the host accumulators and a copy of every weight. */
  private async readHostEpochEnd(validated: boolean): Promise<EpochReadback> {
    const arena = this.arena!;
    return {
      train: this.hostAccumulators!.train.slice(),
      val: validated ? this.hostAccumulators!.evaluate.slice() : null,
      weights: (await arena.read()).map((data, i) => ({ data, shape: [...arena.segments[i]!.spec.shape] })),
    };
  }

  private releaseTraining(): void {
    this.cpuTrainer = null;
    this.hostAccumulators = null;
    this.hostOptimizer = null;
    for (const p of this.training.values()) p.destroy();
    this.training.clear();
    for (const c of this.randomCounters.values()) this.rt.destroyBuffer(c);
    this.randomCounters.clear();
    this.optimizerState?.destroy();
    this.optimizerState = null;
    if (this.accumulators) {
      this.rt.destroyBuffer(this.accumulators.train);
      this.rt.destroyBuffer(this.accumulators.evaluate);
      this.accumulators = null;
    }
  }
}

/**
 * Programs per batch size and window length, most recently used last. A call uses at most two sizes (full batches
 * and the remainder), each in at most WINDOW_LENGTHS lengths when its batches are cropped, so keeping four (four
 * per window length) bounds the GPU memory of a model that sees many sizes without rebuilding programs in a steady
 * loop. Evicting is safe after a submit: WebGPU frees a destroyed buffer only once the work queued on it is done.
 */
const PROGRAMS_PER_MODE = 4;
function programKey(batch: number, window: TimeWindow | null): string {
  return window ? `${batch}/${window.steps}` : `${batch}`;
}
function cachedProgram<T extends { destroy(): void }>(cache: Map<string, T>, key: string, make: () => T, kept = PROGRAMS_PER_MODE): T {
  let p = cache.get(key);
  if (p) {
    cache.delete(key);
  } else {
    p = make();
  }
  cache.set(key, p);
  for (const [size, old] of cache) {
    if (cache.size <= kept) break;
    old.destroy();
    cache.delete(size);
  }
  return p;
}

/**
 * On the wasm backend a batch runs on the calling thread (a page's main thread, unless it trains in a worker):
 * between batches, a macrotask lets the page paint and handle input once every 50 ms of work.
 */
function breathe(): Promise<void> {
  const now = performance.now();
  if (now - lastBreath < 50) return Promise.resolve();
  lastBreath = now;
  return new Promise((resolve) => setTimeout(resolve, 0));
}
let lastBreath = 0;

export function sequential(rt: Runtime, options?: SequentialOptions): Sequential {
  return new Sequential(rt, options);
}
