/**
 * Keras's merge layers, for functional models (src/model/functional.ts): `layers.concatenate({ axis: -1 })`,
 * `layers.add()`, `layers.multiply()`, `layers.average()`. Each takes a list of two or more tensors of one shape
 * (concatenate: equal but for the last axis) and has no weights. Kernels: src/kernels/merge.ts (concatenate, add,
 * average) and the element-wise product of src/kernels/bidirectionalMerge.ts (multiply, as a chain of products).
 *
 * Timestep masks, as Keras: the output of concatenate, add, multiply and average is masked where any input is (the
 * masks multiplied: a step is real only where it is real in every input that has a mask).
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordMerge, recordSplit } from '../kernels/bidirectionalMerge';
import { recordPlace, recordScaledAdd, recordTake } from '../kernels/merge';
import type { SymbolicTensor } from '../model/symbolic';
import { defaultName, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type NodeRun, type ParamSpec, type SymbolicCall } from './layer';

export interface MergeLayerConfig {
  name?: string;
}

export interface ConcatenateLayerConfig extends MergeLayerConfig {
  /** The axis to join along; -1 (the last, Keras's default) is the one supported. */
  axis?: number;
}

export abstract class Merge extends Layer {
  protected readonly where: string;
  /** Whether it was applied (and so built) already. */
  private merged = false;

  constructor(kind: string, prefix: string, config: MergeLayerConfig, keys: readonly string[]) {
    const c = config ?? {};
    const name = c.name ?? defaultName(prefix);
    const where = `${kind} '${name}'`;
    knownKeys(where, c, keys);
    super(name, null);
    this.where = where;
  }

  override get merges(): boolean {
    return true;
  }

  /** The output shape for these input shapes; throws a ShapeError naming the layer where they do not fit. */
  protected abstract mergedShape(shapes: number[][]): number[];
  abstract override bindNode(ctx: BindContext, inputs: readonly Act[], initialStates: readonly Act[]): NodeRun;

  override symbolicCall(shapes: number[][], masked: boolean[], initialState: readonly SymbolicTensor[]): SymbolicCall {
    if (shapes.length < 2) throw new ValueError(`${this.where} merges a list of at least two tensors; got ${shapes.length}`);
    if (initialState.length > 0) throw new ValueError(`${this.where} has no states; initialState is for recurrent layers`);
    const output = this.mergedShape(shapes);
    // Its weights (Attention's scale) do not depend on the shapes: applied again to others (a decoder one step at a
    // time), it stays built for the first.
    if (!this.merged) {
      this.merged = true;
      this.setBuilt(shapes[0]!, output);
    }
    return { output, masks: this.mergedMask(masked), states: [] };
  }

  /** Whether the output carries a timestep mask, from which inputs do: any of them (Keras's merges AND the masks). */
  protected mergedMask(masked: boolean[]): boolean {
    return masked.some(Boolean);
  }

  protected computeOutputShape(): number[] {
    throw new ValueError(`${this.where} merges several tensors, so it cannot follow one layer in a Sequential; use it in a functional model`);
  }

  paramSpecs(_inputShape: number[]): ParamSpec[] {
    return [];
  }

  bind(): LayerRun {
    throw new ValueError(`${this.where} merges several tensors, so it cannot follow one layer in a Sequential; use it in a functional model`);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /** Every input the same shape (Add, Multiply, Average); Keras's broadcasting is not supported. */
  protected sameShapes(shapes: number[][]): number[] {
    const first = formatShape(shapes[0]!);
    const other = shapes.findIndex((s) => formatShape(s) !== first);
    if (other >= 0)
      throw new ShapeError(
        `${this.where} needs inputs of one shape; input 0 is ${formatShape(['*', ...shapes[0]!])}, input ${other} is ${formatShape(['*', ...shapes[other]!])}`,
      );
    return [...shapes[0]!];
  }
}

/** The output activation of a merge: rows like its inputs', `cols` wide, a sequence when they are, with `mask`. */
function mergedAct(buffer: GPUBuffer, like: Act, cols: number, mask: GPUBuffer | null): Act {
  return { buffer, offset: 0, rows: like.rows, cols, timesteps: like.timesteps, mask };
}

/**
 * The timestep mask of a merge's output: the one input mask there is, or the product of several (recorded before
 * the merge itself), or none.
 */
function combinedMask(inputs: readonly Act[], bufs: RunBuffers): { mask: GPUBuffer | null; record(plan: Plan): void } {
  const masks = inputs.map((a) => a.mask).filter((m): m is GPUBuffer => !!m);
  if (masks.length <= 1) return { mask: masks[0] ?? null, record: () => undefined };
  const rows = inputs[0]!.rows;
  const products = masks.slice(1).map((_, i) => bufs.make(`mask product ${i + 1}`, rows));
  return {
    mask: products[products.length - 1]!,
    record(plan) {
      products.forEach((out, i) => recordMerge(plan, 'mul', { a: i === 0 ? masks[0]! : products[i - 1]!, b: masks[i + 1]!, out, rows: 1, units: rows }));
    },
  };
}

export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(config: ConcatenateLayerConfig = {}) {
    super('concatenate', 'concatenate', config, ['name', 'axis']);
    const axis = (config ?? {}).axis ?? -1;
    if (!Number.isInteger(axis)) throw new ValueError(`${this.where}: axis must be an integer (-1: the last); got ${JSON.stringify(axis)}`);
    this.axis = axis;
  }

  protected mergedShape(shapes: number[][]): number[] {
    const rank = shapes[0]!.length;
    // Keras counts the batch axis: for one sample of rank r the last axis is r (or -1).
    if (this.axis !== -1 && this.axis !== rank)
      throw new ValueError(`${this.where}: joining along axis ${this.axis} is not supported; only the last axis (-1, here ${rank}) is`);
    for (const [i, s] of shapes.entries()) {
      if (s.length !== rank || s.slice(0, -1).some((d, j) => d !== shapes[0]![j]))
        throw new ShapeError(
          `${this.where} joins along the last axis, so the others must agree; input 0 is ${formatShape(['*', ...shapes[0]!])}, input ${i} is ${formatShape(['*', ...s])}`,
        );
    }
    return [...shapes[0]!.slice(0, -1), shapes.reduce((n, s) => n + s[rank - 1]!, 0)];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, axis: this.axis };
  }

  bindNode(ctx: BindContext, inputs: readonly Act[]): NodeRun {
    const bufs = new RunBuffers(ctx.rt, this.where);
    const rows = inputs[0]!.rows;
    const outCols = inputs.reduce((n, a) => n + a.cols, 0);
    const blocks = inputs.map((a, i) => ({ rows, cols: a.cols, outCols, colOffset: inputs.slice(0, i).reduce((n, b) => n + b.cols, 0) }));
    const out = bufs.make('output', rows * outCols);
    const dxs = ctx.grads ? inputs.map((a, i) => bufs.make(`dInput ${i}`, rows * a.cols)) : null;
    const mask = combinedMask(inputs, bufs);
    return {
      outputs: [mergedAct(out, inputs[0]!, outCols, mask.mask)],
      recordForward(plan: Plan) {
        mask.record(plan);
        inputs.forEach((a, i) => recordPlace(plan, { x: a.buffer, xOffset: a.offset, out }, blocks[i]!));
      },
      recordBackward(plan, [dOut]) {
        if (!dxs || !dOut) return inputs.map(() => null);
        dxs.forEach((dx, i) => recordTake(plan, { dout: dOut, dx }, blocks[i]!));
        return dxs;
      },
      destroy: () => bufs.destroy(),
    };
  }
}

/** Add (scale 1) and Average (scale 1/n): out = scale · Σ inputs; each input's gradient is scale · dOut. */
abstract class ScaledSum extends Merge {
  protected abstract readonly averages: boolean;

  protected mergedShape(shapes: number[][]): number[] {
    return this.sameShapes(shapes);
  }

  bindNode(ctx: BindContext, inputs: readonly Act[]): NodeRun {
    const bufs = new RunBuffers(ctx.rt, this.where);
    const first = inputs[0]!;
    const length = first.rows * first.cols;
    const scale = this.averages ? 1 / inputs.length : 1;
    const out = bufs.make('output', length);
    const dx = ctx.grads && this.averages ? bufs.make('dInput (dOut / n)', length) : null;
    const mask = combinedMask(inputs, bufs);
    return {
      outputs: [mergedAct(out, first, first.cols, mask.mask)],
      recordForward(plan: Plan) {
        mask.record(plan);
        plan.clear({ buffer: out, offset: 0, size: length * 4 });
        for (const a of inputs) recordScaledAdd(plan, { x: a.buffer, xOffset: a.offset, y: out }, length, scale);
      },
      recordBackward(plan, [dOut]) {
        if (!ctx.grads || !dOut) return inputs.map(() => null);
        if (!dx) return inputs.map(() => dOut);
        plan.clear({ buffer: dx, offset: 0, size: length * 4 });
        recordScaledAdd(plan, { x: dOut, y: dx }, length, scale);
        return inputs.map(() => dx);
      },
      destroy: () => bufs.destroy(),
    };
  }
}

export class Add extends ScaledSum {
  readonly className = 'Add';
  protected readonly averages = false;
  constructor(config: MergeLayerConfig = {}) {
    super('add', 'add', config, ['name']);
  }
}

export class Average extends ScaledSum {
  readonly className = 'Average';
  protected readonly averages = true;
  constructor(config: MergeLayerConfig = {}) {
    super('average', 'average', config, ['name']);
  }
}

/**
 * Multiply: the element-wise product as a chain p₁ = x₀ ⊙ x₁, p_k = p_{k−1} ⊙ x_{k+1}, and back along it:
 * dp_{k−1} = dp_k ⊙ x_{k+1}, dx_{k+1} = dp_k ⊙ p_{k−1}.
 */
export class Multiply extends Merge {
  readonly className = 'Multiply';
  constructor(config: MergeLayerConfig = {}) {
    super('multiply', 'multiply', config, ['name']);
  }

  protected mergedShape(shapes: number[][]): number[] {
    return this.sameShapes(shapes);
  }

  bindNode(ctx: BindContext, inputs: readonly Act[]): NodeRun {
    const bufs = new RunBuffers(ctx.rt, this.where);
    const first = inputs[0]!;
    const [rows, units] = [first.rows, first.cols];
    const length = rows * units;
    // products[k] = x₀ ⊙ … ⊙ x_{k+1}; the last is the output.
    const products = inputs.slice(1).map((_, k) => bufs.make(`product ${k + 1}`, length));
    const dProducts = ctx.grads ? products.slice(0, -1).map((_, k) => bufs.make(`dProduct ${k + 1}`, length)) : [];
    const dxs = ctx.grads ? inputs.map((_, i) => bufs.make(`dInput ${i}`, length)) : null;
    /** The k-th factor pair: (p_{k−1} or x₀, x_{k+1}). */
    const pair = (k: number) => ({
      a: k === 0 ? first.buffer : products[k - 1]!,
      aOffset: k === 0 ? first.offset : 0,
      b: inputs[k + 1]!.buffer,
      bOffset: inputs[k + 1]!.offset,
      rows,
      units,
    });
    const mask = combinedMask(inputs, bufs);
    return {
      outputs: [mergedAct(products[products.length - 1]!, first, units, mask.mask)],
      recordForward(plan: Plan) {
        mask.record(plan);
        products.forEach((out, k) => recordMerge(plan, 'mul', { ...pair(k), out }));
      },
      recordBackward(plan, [dOut]) {
        if (!dxs || !dOut) return inputs.map(() => null);
        for (let k = products.length - 1; k >= 0; k--) {
          const dout = k === products.length - 1 ? dOut : dProducts[k]!;
          const da = k === 0 ? dxs[0]! : dProducts[k - 1]!;
          recordSplit(plan, 'mul', { ...pair(k), dout, da, db: dxs[k + 1]! });
        }
        return dxs;
      },
      destroy: () => bufs.destroy(),
    };
  }
}
