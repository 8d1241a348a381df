/**
 * `layers.bidirectional({ layer, mergeMode })`: Keras's Bidirectional wrapper. It runs a forward copy of the
 * recurrent layer and a backward copy (goBackwards flipped), both on the same input, and merges their outputs
 * (shaders/bidirectionalMerge.wgsl): concat (default), sum, mul or ave. Weights are Keras's order and names:
 * the forward copy's (`forward_<layer>/kernel`, ...) then the backward copy's (`backward_<layer>/...`).
 *
 * Keras flips the backward copy's output sequence back to input time before merging; the kernels keep outputs
 * in input time already (shaders/direction.wgsl), so both copies are bound raw (src/layers/recurrent.ts) and
 * merged as they lie. If the wrapped layer itself has goBackwards, Keras's merged sequence is in reversed time,
 * and one reversal after the merge gives that order.
 */
import { ValueError } from '../errors';
import type { BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { MERGE_MODES, mergedWidth, recordMerge, recordSplit, type MergeMode } from '../kernels/bidirectionalMerge';
import { recordMaskApply } from '../kernels/sequenceMask';
import type { Tensor, TensorLike } from '../tensor';
import { defaultName, inputSpec, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec, type SymbolicCall } from './layer';
import { isSymbolic, type SymbolicResult, type SymbolicTensor } from '../model/symbolic';
import { RecurrentLayer, reversedInTime } from './recurrent';

export interface BidirectionalLayerConfig {
  /** The recurrent layer to run both ways (a fresh one: not already in a model). */
  layer: RecurrentLayer;
  mergeMode?: MergeMode;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['layer', 'mergeMode', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

function withPrefix(refs: Record<string, BufferRef>, prefix: string): Record<string, BufferRef> {
  const out: Record<string, BufferRef> = {};
  for (const [k, v] of Object.entries(refs)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;

  constructor(config: BidirectionalLayerConfig) {
    const name = config?.name ?? defaultName('bidirectional');
    const where = `bidirectional '${name}'`;
    knownKeys(where, config ?? {}, KEYS);
    const inner = config.layer;
    if (!(inner instanceof RecurrentLayer)) {
      throw new ValueError(
        `${where}: layer must be a recurrent layer such as layers.lstm({ units: 32 }); got ${(inner as unknown) instanceof Layer ? (inner as unknown as Layer).className : typeof inner}`,
      );
    }
    if (inner.attached) throw new ValueError(`${where}: layer '${inner.name}' already belongs to a model; wrap a fresh layer`);
    // The wrapper merges the two directions' states; an input beside each would be the same input twice.
    if ((inner as { includeInput?: boolean }).includeInput === true) {
      throw new ValueError(`${where}: it merges the two directions' states; give the echoState includeInput: false (the input would come twice)`);
    }
    const own = inputSpec(where, config);
    // Keras 2 code often gives the input shape to the wrapped layer: take it from there when the wrapper has none.
    super(name, own.shape ?? inner.declaredInputShape, own.batchSize ?? inner.declaredBatchSize);
    const mode = config.mergeMode ?? 'concat';
    if (!(MERGE_MODES as readonly string[]).includes(mode)) {
      throw new ValueError(
        `${where}: mergeMode must be one of ${MERGE_MODES.map((m) => `'${m}'`).join(', ')}; got ${JSON.stringify(config.mergeMode)} (Keras's None, a list of two outputs, does not fit a Sequential)`,
      );
    }
    this.mergeMode = mode;
    this.forwardLayer = inner.withConfig({ name: `forward_${inner.name}` });
    this.backwardLayer = inner.withConfig({ name: `backward_${inner.name}`, goBackwards: !inner.goBackwards });
  }

  get units(): number {
    return this.forwardLayer.units;
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  override get stateful(): boolean {
    return this.forwardLayer.stateful;
  }

  override stateSizes(): number[] {
    return [...this.forwardLayer.stateSizes(), ...this.backwardLayer.stateSizes()];
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
    const width = mergedWidth(this.mergeMode, this.units);
    return this.returnSequences ? [inputShape[0]!, width] : [width];
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    return [this.forwardLayer, this.backwardLayer].flatMap((l) => l.paramSpecs(inputShape).map((s) => ({ ...s, name: `${l.name}/${s.name}` })));
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      layer: { class_name: this.forwardLayer.className, config: { ...this.forwardLayer.getConfig(), name: this.forwardLayer.name.slice('forward_'.length) } },
      merge_mode: this.mergeMode,
    };
  }

  /** As a recurrent layer: both directions skip masked steps; a returned sequence carries the mask on. */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked && this.returnSequences;
  }

  override get skipsMaskedSteps(): boolean {
    return this.forwardLayer.skipsMaskedSteps && this.backwardLayer.skipsMaskedSteps;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    const nf = this.forwardLayer.stateSizes().length;
    const sub = (layer: RecurrentLayer, states: GPUBuffer[] | undefined): BindContext => ({
      ...ctx,
      params: withPrefix(ctx.params, `${layer.name}/`),
      grads: ctx.grads && withPrefix(ctx.grads, `${layer.name}/`),
      ...(states ? { states } : {}),
    });
    const f = this.forwardLayer.bindRaw(sub(this.forwardLayer, ctx.states?.slice(0, nf)), input);
    const b = this.backwardLayer.bindRaw(sub(this.backwardLayer, ctx.states?.slice(nf)), input);
    const bufs = new RunBuffers(ctx.rt, `bidirectional '${this.name}'`);
    const seq = this.returnSequences;
    const [fa, ba] = seq ? [f.sequence, b.sequence] : [f.last, b.last];
    const units = this.units;
    const mode = this.mergeMode;
    const width = mergedWidth(mode, units);
    const both = { a: fa.buffer, aOffset: fa.offset, b: ba.buffer, bOffset: ba.offset, rows: fa.rows, units };
    const out = bufs.make('merged', fa.rows * width);
    // Keras 3's Bidirectional forces zero_output_for_mask on a returned sequence: masked steps come out as 0
    // (the merge of two zeros), and no gradient reaches the carried states through them.
    const mask = seq ? (input.mask ?? null) : null;
    const zeroed = mask
      ? { y: bufs.make('merged, 0 at masked steps', fa.rows * width), dy: ctx.grads ? bufs.make('dOutput at real steps', fa.rows * width) : null }
      : null;
    const back = ctx.grads && {
      dF: bufs.make('dForward', fa.rows * units),
      dB: bufs.make('dBackward', fa.rows * units),
      dx: ctx.needsInputGrad ? bufs.make('dx', input.rows * input.cols) : null,
    };
    const run: LayerRun = {
      output: { buffer: zeroed ? zeroed.y : out, offset: 0, rows: fa.rows, cols: width, timesteps: fa.timesteps, mask },
      recordForward(plan: Plan, training?: boolean) {
        f.recordForward(plan, training);
        b.recordForward(plan, training);
        recordMerge(plan, mode, { ...both, out });
        if (zeroed) recordMaskApply(plan, { x: out, xOffset: 0, mask: mask!, y: zeroed.y }, { rows: fa.rows, cols: width });
      },
      recordBackward(plan: Plan, dOutput: GPUBuffer) {
        if (!back) throw new Error('recordBackward on an inference-only run');
        let dout = dOutput;
        if (zeroed?.dy) {
          recordMaskApply(plan, { x: dOutput, xOffset: 0, mask: mask!, y: zeroed.dy }, { rows: fa.rows, cols: width });
          dout = zeroed.dy;
        }
        recordSplit(plan, mode, { ...both, dout, da: back.dF, db: back.dB });
        const dxF = f.recordBackward(plan, back.dF, seq);
        const dxB = b.recordBackward(plan, back.dB, seq);
        if (!back.dx || !dxF || !dxB) return null;
        recordMerge(plan, 'sum', { a: dxF, b: dxB, rows: input.rows, units: input.cols, out: back.dx });
        return back.dx;
      },
      destroy() {
        f.destroy();
        b.destroy();
        bufs.destroy();
      },
    };
    return seq && this.forwardLayer.goBackwards ? reversedInTime(ctx, `bidirectional '${this.name}'`, run) : run;
  }

  /** As RecurrentLayer.apply: the output, or with returnState [output, ...forward states, ...backward states]. */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], options?: { initialState?: SymbolicTensor[] }): SymbolicResult;
  override apply(x: TensorLike, options?: { initialState?: TensorLike[]; mask?: TensorLike }): Promise<Tensor | Tensor[]>;
  override apply(
    x: TensorLike | SymbolicTensor | SymbolicTensor[],
    options: { initialState?: TensorLike[] | SymbolicTensor[]; mask?: TensorLike } = {},
  ): SymbolicResult | Promise<Tensor | Tensor[]> {
    if (isSymbolic(x)) return super.apply(x, options as { initialState?: SymbolicTensor[] });
    return this.applyOn(x as TensorLike, options as { initialState?: TensorLike[]; mask?: TensorLike });
  }

  private async applyOn(x: TensorLike, options: { initialState?: TensorLike[]; mask?: TensorLike }): Promise<Tensor | Tensor[]> {
    const { output, states } = await this.ownerFor('apply').applyLayer(this, x, options.initialState ?? null, options.mask ?? null);
    return this.returnState ? [output, ...states] : output;
  }

  /** In a functional model a Bidirectional takes no initial state and returns no states yet: refused by name. */
  override symbolicCall(shapes: number[][], masked: boolean[], initialState: readonly SymbolicTensor[]): SymbolicCall {
    if (initialState.length > 0 || this.returnState)
      throw new ValueError(
        `bidirectional '${this.name}': initialState and returnState are not supported in a functional model yet; ` +
          `use two recurrent layers (one with goBackwards) and layers.concatenate() to pass states between layers`,
      );
    return super.symbolicCall(shapes, masked, initialState);
  }

  resetStates(states?: TensorLike[]): void {
    this.ownerFor('resetStates').resetLayerStates(this, states);
  }

  getStates(): Promise<Tensor[]> {
    return this.ownerFor('getStates').getLayerStates(this);
  }
}
