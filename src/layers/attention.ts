/**
 * Products between sequences, for functional models: `layers.dot({ axes })` (Keras's Dot),
 * `layers.attention({ useScale })` (Keras's Luong-style dot-product Attention) and `layers.additiveAttention()`
 * (Keras's Bahdanau-style AdditiveAttention, whose scores come from src/kernels/additiveAttention.ts). Both run on
 * src/kernels/batchedMatmul.ts, which reads a time-major sequence [T, batch, C] per batch row as a [T, C] matrix or
 * its transpose, so no operand is copied or transposed first.
 *
 * Attention, with query Q [Tq, d], value V [Tv, d] and key K [Tv, d] (the value when not given), per batch row:
 *
 *   S = s · Q·Kᵀ   (s: the learned scale with useScale, else 1)      W = softmax(S) over Tv      out = W·V  [Tq, d]
 *
 *   backward:  dW = dOut·Vᵀ (+ the gradient of W when returnAttentionScores)   dV = Wᵀ·dOut
 *              dS = W ⊙ (dW − Σ_j dW ⊙ W)   dQ = s·dS·K   dK = s·dSᵀ·Q   ds = Σ dS ⊙ Q·Kᵀ
 *
 * Timestep masks, as Keras: Dot drops them; the attention layers give padded value steps no weight (their scores
 * pushed to −1e9 before the softmax), output zeros at padded query steps, and pass the query's mask on.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import type { BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import { recordBatchedMatmul, sequenceMatrix, type MatmulLayout, type Strided } from '../kernels/batchedMatmul';
import { recordMerge } from '../kernels/bidirectionalMerge';
import { recordActivationGrad, recordActivationInPlace } from '../kernels/dense';
import { recordAccumulate } from '../kernels/losses';
import { recordAdditiveBackward, recordAdditiveScores } from '../kernels/additiveAttention';
import { recordMaskColumns, recordScaledAdd } from '../kernels/merge';
import { recordMaskApply } from '../kernels/sequenceMask';
import type { SymbolicTensor } from '../model/symbolic';
import { optionalBool } from './config';
import { RunBuffers, type Act, type BindContext, type NodeRun, type ParamSpec, type SymbolicCall } from './layer';
import { Merge, type MergeLayerConfig } from './merge';

const transposed = (s: Strided): Strided => ({ ...s, row: s.col, col: s.row });

/** An operand of a product: the activation's matrix per batch row ([T, C], or [C, T] when transposed). */
function matrixOf(act: Act, batch: number, transpose: boolean): { view: Strided; rows: number; cols: number } {
  const steps = act.timesteps ?? 1;
  const view = sequenceMatrix(act.offset, batch, act.cols, transpose);
  return transpose ? { view, rows: act.cols, cols: steps } : { view, rows: steps, cols: act.cols };
}

/** The same view at offset 0: where a compact gradient of that activation is written. */
const compact = (s: Strided): Strided => ({ ...s, offset: 0 });

export interface DotLayerConfig extends MergeLayerConfig {
  /** The axis of each input to sum over (Keras counts the batch axis: 1 time, 2 features), or one for both. */
  axes: number | [number, number];
  /** Keras's cosine proximity; only false (the default) is supported. */
  normalize?: boolean;
}

export class Dot extends Merge {
  readonly className = 'Dot';
  readonly axes: [number, number];
  readonly normalize: boolean;

  constructor(config: DotLayerConfig) {
    super('dot', 'dot', config, ['name', 'axes', 'normalize']);
    const c = config ?? ({} as DotLayerConfig);
    const axes = typeof c.axes === 'number' ? [c.axes, c.axes] : c.axes;
    if (!Array.isArray(axes) || axes.length !== 2 || !axes.every((a) => Number.isInteger(a)))
      throw new ValueError(`${this.where}: axes must be an integer or a pair of integers, e.g. [2, 2]; got ${JSON.stringify(c.axes)}`);
    this.axes = axes as [number, number];
    this.normalize = optionalBool(this.where, 'normalize', c.normalize, false);
    if (this.normalize) throw new ValueError(`${this.where}: normalize: true (cosine proximity) is not supported yet`);
  }

  /** The axes as 1 (time) or 2 (features) for rank-3 inputs; 1 for rank 2. */
  private resolvedAxes(shapes: number[][]): [number, number] {
    return this.axes.map((a, i) => {
      const rank = shapes[i]!.length + 1;
      const axis = a < 0 ? rank + a : a;
      if (axis < 1 || axis >= rank) throw new ValueError(`${this.where}: axis ${a} is out of range for input ${i} ${formatShape(['*', ...shapes[i]!])}`);
      return axis;
    }) as [number, number];
  }

  /** Keras's Dot returns no mask. */
  protected override mergedMask(): boolean {
    return false;
  }

  protected mergedShape(shapes: number[][]): number[] {
    if (shapes.length !== 2) throw new ValueError(`${this.where} takes two tensors; got ${shapes.length}`);
    const [a, b] = shapes as [number[], number[]];
    if (a.length !== b.length || a.length < 1 || a.length > 2)
      throw new ShapeError(
        `${this.where} takes two vectors [*, d] or two sequences [*, T, d]; got ${formatShape(['*', ...a])} and ${formatShape(['*', ...b])}`,
      );
    const [x, y] = this.resolvedAxes(shapes);
    if (a[x - 1] !== b[y - 1])
      throw new ShapeError(
        `${this.where}: axis ${x} of input 0 ${formatShape(['*', ...a])} and axis ${y} of input 1 ${formatShape(['*', ...b])} differ in length`,
      );
    if (a.length === 1) return [1];
    return [a[2 - x]!, b[2 - y]!];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, axes: this.axes, normalize: this.normalize };
  }

  bindNode(ctx: BindContext, inputs: readonly Act[]): NodeRun {
    const [x, y] = inputs as [Act, Act];
    const vectors = x.timesteps === null;
    const [ax, ay] = vectors
      ? [1, 1]
      : this.resolvedAxes([
          [x.timesteps!, x.cols],
          [y.timesteps!, y.cols],
        ]);
    // O_b = A_b·B_b: A is x with its summed axis last, B is y with its summed axis first.
    const A = matrixOf(x, ctx.batch, !vectors && ax === 1);
    const B = matrixOf(y, ctx.batch, vectors || ay === 2);
    const layout: MatmulLayout = { batches: ctx.batch, m: A.rows, n: B.cols, k: A.cols, a: A.view, b: B.view, o: sequenceMatrix(0, ctx.batch, B.cols) };
    const bufs = new RunBuffers(ctx.rt, this.where);
    const out = bufs.make('output', ctx.batch * layout.m * layout.n);
    const dx = ctx.grads ? bufs.make('dInput 0', x.rows * x.cols) : null;
    const dy = ctx.grads ? bufs.make('dInput 1', y.rows * y.cols) : null;
    return {
      outputs: [{ buffer: out, offset: 0, rows: vectors ? ctx.batch : layout.m * ctx.batch, cols: layout.n, timesteps: vectors ? null : layout.m, mask: null }],
      recordForward(plan: Plan) {
        recordBatchedMatmul(plan, { a: x.buffer, b: y.buffer, o: out }, layout);
      },
      recordBackward(plan, [dOut]) {
        if (!dx || !dy || !dOut) return [null, null];
        const dO = layout.o;
        // dA = dO·Bᵀ, written where A lies in x's compact layout; dB = Aᵀ·dO, likewise in y's.
        recordBatchedMatmul(
          plan,
          { a: dOut, b: y.buffer, o: dx },
          { ...layout, m: layout.m, n: layout.k, k: layout.n, a: dO, b: transposed(B.view), o: compact(A.view) },
        );
        recordBatchedMatmul(
          plan,
          { a: x.buffer, b: dOut, o: dy },
          { ...layout, m: layout.k, n: layout.n, k: layout.m, a: transposed(A.view), b: dO, o: compact(B.view) },
        );
        return [dx, dy];
      },
      destroy: () => bufs.destroy(),
    };
  }
}

export interface AttentionLayerConfig extends MergeLayerConfig {
  /** Learn a scale of the scores: Attention's one scalar (default false), AdditiveAttention's one per feature (default true). */
  useScale?: boolean;
  /** Attention: 'dot' (the default) is the one supported. */
  scoreMode?: 'dot';
  /** Also output the attention weights [*, Tq, Tv] (after the softmax), as Keras's return_attention_scores. */
  returnAttentionScores?: boolean;
}

/** How one kind of attention scores query steps against key steps, and the gradients of those scores. */
interface Scoring {
  /** scores [Tq, batch, Tv] ← the scores of q against k. */
  forward(plan: Plan, scores: GPUBuffer): void;
  /** From dS [Tq, batch, Tv]: dQ and dK (compact), and the scale's gradient into the gradient arena. */
  backward(plan: Plan, dS: GPUBuffer, dq: GPUBuffer, dk: GPUBuffer): void;
}

interface ScoringInputs {
  q: Act;
  k: Act;
  batch: number;
  tq: number;
  tv: number;
  d: number;
}

/**
 * Keras's attention layers' common part, for inputs [query, value] or [query, value, key]: scores (the subclass's),
 * a softmax over the value steps, and the weighted sum of the values; with returnAttentionScores the weights too.
 */
abstract class AttentionBase extends Merge {
  readonly useScale: boolean;
  readonly returnAttentionScores: boolean;

  constructor(kind: string, config: AttentionLayerConfig, keys: readonly string[], useScale: boolean) {
    super(kind, kind === 'attention' ? 'attention' : 'additive_attention', config, keys);
    const c = config ?? {};
    this.useScale = optionalBool(this.where, 'useScale', c.useScale, useScale);
    this.returnAttentionScores = optionalBool(this.where, 'returnAttentionScores', c.returnAttentionScores, false);
  }

  protected abstract scoring(ctx: BindContext, x: ScoringInputs, bufs: RunBuffers): Scoring;

  /** The output is masked as the query is (Keras's attention layers return the query's mask). */
  protected override mergedMask(masked: boolean[]): boolean {
    return masked[0]!;
  }

  override symbolicCall(shapes: number[][], masked: boolean[], initialState: readonly SymbolicTensor[]): SymbolicCall {
    const call = super.symbolicCall(shapes, masked, initialState);
    const [q, v] = shapes as [number[], number[]];
    return this.returnAttentionScores ? { ...call, states: [[q[0]!, v[0]!]] } : call;
  }

  protected mergedShape(shapes: number[][]): number[] {
    if (shapes.length < 2 || shapes.length > 3) throw new ValueError(`${this.where} takes [query, value] or [query, value, key]; got ${shapes.length} tensors`);
    const [q, v, k] = shapes as [number[], number[], number[] | undefined];
    const key = k ?? v;
    const bad = shapes.find((s) => s.length !== 2);
    if (bad) throw new ShapeError(`${this.where} takes sequences [*, T, d]; got ${formatShape(['*', ...bad])}`);
    if (q[1] !== key[1])
      throw new ShapeError(`${this.where}: query ${formatShape(['*', ...q])} and key ${formatShape(['*', ...key])} must have the same width`);
    if (key[0] !== v[0])
      throw new ShapeError(`${this.where}: key ${formatShape(['*', ...key])} and value ${formatShape(['*', ...v])} must have the same timesteps`);
    return [q[0]!, v[1]!];
  }

  bindNode(ctx: BindContext, inputs: readonly Act[]): NodeRun {
    const [q, v] = inputs as [Act, Act];
    const k = inputs[2] ?? v;
    const batch = ctx.batch;
    const [tq, tv, d, dv] = [q.timesteps!, v.timesteps!, q.cols, v.cols];
    const V = sequenceMatrix(v.offset, batch, dv);
    const S = sequenceMatrix(0, batch, tv);
    const O = sequenceMatrix(0, batch, dv);
    const bufs = new RunBuffers(ctx.rt, this.where);
    const scoring = this.scoring(ctx, { q, k, batch, tq, tv, d }, bufs);
    const weights = bufs.make('attention weights', tq * batch * tv);
    const out = bufs.make('output', tq * batch * dv);
    const training = ctx.grads !== null;
    const rows = tq * batch;
    const dW = training ? bufs.make('dWeights', rows * tv) : null;
    const dS = training ? bufs.make('dScores', rows * tv) : null;
    const dq = training ? bufs.make('dQuery', q.rows * d) : null;
    const dvBuf = training ? bufs.make('dValue', v.rows * dv) : null;
    const dk = training ? bufs.make('dKey', k.rows * d) : null;
    const queryMask = q.mask ?? null;
    // Keras zeroes the output at masked query steps (result *= q_mask): the output seen is the masked copy.
    const zeroed = queryMask ? bufs.make('output, zero at masked query steps', rows * dv) : null;
    const dMasked = queryMask && training ? bufs.make('dOutput, zero at masked query steps', rows * dv) : null;
    const outputs: Act[] = [{ buffer: zeroed ?? out, offset: 0, rows, cols: dv, timesteps: tq, mask: queryMask }];
    const valueMask = v.mask ?? null;
    if (this.returnAttentionScores) outputs.push({ buffer: weights, offset: 0, rows, cols: tv, timesteps: tq, mask: null });
    return {
      outputs,
      recordForward(plan: Plan) {
        scoring.forward(plan, weights);
        if (valueMask) recordMaskColumns(plan, { mask: valueMask, scores: weights }, { rows, cols: tv, batch });
        recordActivationInPlace(plan, weights, rows, tv, 'softmax');
        recordBatchedMatmul(plan, { a: weights, b: v.buffer, o: out }, { batches: batch, m: tq, n: dv, k: tv, a: S, b: V, o: O });
        if (zeroed) recordMaskApply(plan, { x: out, xOffset: 0, mask: queryMask!, y: zeroed }, { rows, cols: dv });
      },
      recordBackward(plan, [dOutGiven, dWeightsOut]) {
        if (!dW || !dS || !dq || !dvBuf || !dk) return inputs.map(() => null);
        let dOut = dOutGiven;
        if (dOut && dMasked) {
          recordMaskApply(plan, { x: dOut, xOffset: 0, mask: queryMask!, y: dMasked }, { rows, cols: dv });
          dOut = dMasked;
        }
        if (dOut) {
          recordBatchedMatmul(plan, { a: dOut, b: v.buffer, o: dW }, { batches: batch, m: tq, n: tv, k: dv, a: O, b: transposed(V), o: S });
          recordBatchedMatmul(plan, { a: weights, b: dOut, o: dvBuf }, { batches: batch, m: tv, n: dv, k: tq, a: transposed(S), b: O, o: compact(V) });
        } else {
          plan.clear({ buffer: dW, offset: 0, size: rows * tv * 4 });
          plan.clear({ buffer: dvBuf, offset: 0, size: v.rows * dv * 4 });
        }
        if (dWeightsOut) recordScaledAdd(plan, { x: dWeightsOut, y: dW }, rows * tv);
        recordActivationGrad(plan, { y: weights, dy: dW, dz: dS }, rows, tv, 'softmax');
        scoring.backward(plan, dS, dq, dk);
        // Without a key input the value is the key: its gradient gets both.
        if (inputs.length === 2) recordScaledAdd(plan, { x: dk, y: dvBuf }, v.rows * d);
        return inputs.length === 3 ? [dq, dvBuf, dk] : [dq, dvBuf];
      },
      destroy: () => bufs.destroy(),
    };
  }
}

/** Luong-style dot-product attention (Keras's Attention): S = s · Q·Kᵀ, s one learned scalar with useScale. */
export class Attention extends AttentionBase {
  readonly className = 'Attention';

  constructor(config: AttentionLayerConfig = {}) {
    super('attention', config, ['name', 'useScale', 'scoreMode', 'returnAttentionScores'], false);
    const c = config ?? {};
    if (c.scoreMode !== undefined && c.scoreMode !== 'dot')
      throw new ValueError(`${this.where}: scoreMode ${JSON.stringify(c.scoreMode)} is not supported; 'dot' is (use layers.additiveAttention for Bahdanau's)`);
  }

  override paramSpecs(): ParamSpec[] {
    return this.useScale ? [{ name: 'scale', shape: [], init: { kind: 'ones' }, regularizer: null }] : [];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, use_scale: this.useScale, score_mode: 'dot' };
  }

  protected scoring(ctx: BindContext, x: ScoringInputs, bufs: RunBuffers): Scoring {
    const { q, k, batch, tq, tv, d } = x;
    const scale: BufferRef | null = this.useScale ? ctx.params.scale! : null;
    const Q = sequenceMatrix(q.offset, batch, d);
    const K = sequenceMatrix(k.offset, batch, d);
    const S = sequenceMatrix(0, batch, tv);
    const scores: MatmulLayout = { batches: batch, m: tq, n: tv, k: d, a: Q, b: transposed(K), o: S };
    const training = ctx.grads !== null && scale !== null;
    const raw = training ? bufs.make('unscaled scores', tq * batch * tv) : null;
    const product = training ? bufs.make('dScores ⊙ unscaled scores', tq * batch * tv) : null;
    return {
      forward: (plan, out) => recordBatchedMatmul(plan, { a: q.buffer, b: k.buffer, o: out, scale }, scores),
      backward(plan, dS, dq, dk) {
        recordBatchedMatmul(plan, { a: dS, b: k.buffer, o: dq, scale }, { batches: batch, m: tq, n: d, k: tv, a: S, b: K, o: compact(Q) });
        recordBatchedMatmul(plan, { a: dS, b: q.buffer, o: dk, scale }, { batches: batch, m: tv, n: d, k: tq, a: transposed(S), b: Q, o: compact(K) });
        if (raw && product && ctx.grads) {
          // ds = Σ dS ⊙ Q·Kᵀ, the unscaled scores computed again.
          recordBatchedMatmul(plan, { a: q.buffer, b: k.buffer, o: raw }, scores);
          recordMerge(plan, 'mul', { a: dS, b: raw, out: product, rows: 1, units: tq * batch * tv });
          const dScale = ctx.grads.scale!;
          plan.clear(dScale);
          recordAccumulate(plan, { values: product, count: tq * batch * tv, accum: dScale, slot: 0 });
        }
      },
    };
  }
}

/**
 * Bahdanau-style additive attention (Keras's AdditiveAttention): S[i, j] = Σ_d w_d · tanh(Q_i,d + K_j,d), w one
 * learned scale per feature with useScale (the default, as Keras). Kernels: src/kernels/additiveAttention.ts.
 */
export class AdditiveAttention extends AttentionBase {
  readonly className = 'AdditiveAttention';

  constructor(config: Omit<AttentionLayerConfig, 'scoreMode'> = {}) {
    super('additiveAttention', config, ['name', 'useScale', 'returnAttentionScores'], true);
  }

  override paramSpecs(inputShape: number[]): ParamSpec[] {
    return this.useScale ? [{ name: 'scale', shape: [inputShape[inputShape.length - 1]!], init: { kind: 'glorotUniform' }, regularizer: null }] : [];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, use_scale: this.useScale };
  }

  protected scoring(ctx: BindContext, x: ScoringInputs): Scoring {
    const { q, k, batch, tq, tv, d } = x;
    const inputs = { q: q.buffer, qOffset: q.offset, k: k.buffer, kOffset: k.offset, scale: this.useScale ? ctx.params.scale! : null };
    const dims = { batch, tq, tv, dim: d };
    return {
      forward: (plan, scores) => recordAdditiveScores(plan, { ...inputs, scores }, dims),
      backward: (plan, ds, dq, dk) => recordAdditiveBackward(plan, { ...inputs, ds, dq, dk, dscale: ctx.grads?.scale ?? null }, dims),
    };
  }
}
