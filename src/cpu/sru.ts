/**
 * The SRU forward pass on the CPU path (Lei et al. 2018, as src/reference/sruSeq.ts writes it): the projections of
 * every timestep as one GEMM (wasm/dense.ts through WasmDense), then the element-wise recurrence on the host, each
 * unit's own loop over time:
 *
 *   x̃ = x·W   f = σ(x·W_f + v_f ⊙ c + b_f)   r = σ(x·W_r + v_r ⊙ c + b_r)
 *   c' = f ⊙ c + (1 − f) ⊙ x̃                  h = r ⊙ g(c') + (1 − r) ⊙ x̂,  x̂ = x (features = units) or x·W_h
 *
 * Under Keras's timestep mask a masked step keeps both states. Training: backward runs the recurrence back on the
 * host and the projection's backward in WebAssembly. Checked against the twin by test/sru.wasm.test.ts.
 */
import type { CellActivation } from '../kernels/activations';
import { WasmDense } from './dense';

export class WasmSru {
  private readonly projection: WasmDense;
  private readonly blocks: number;
  private trace: SruTrace | null = null;

  constructor(
    private readonly features: number,
    private readonly units: number,
    kernel: ArrayLike<number>,
    private recurrentWeights: ArrayLike<number>,
    private bias: ArrayLike<number>,
    private readonly options: { activation: CellActivation; returnSequences: boolean; goBackwards: boolean },
  ) {
    this.blocks = features === units ? 3 : 4;
    this.projection = new WasmDense(features, this.blocks * units, kernel, null, 'linear');
  }

  /** New weights of the same sizes (training changes them every batch). */
  layOut(kernel: ArrayLike<number>, recurrentWeights: ArrayLike<number>, bias: ArrayLike<number>): void {
    this.projection.layOut(kernel, null);
    [this.recurrentWeights, this.bias] = [recurrentWeights, bias];
  }

  /**
   * x [B, T, F] batch-major; states [h, c] [B, U] each, updated in place; mask [B, T] or null. Returns the output.
   * `train` keeps what backward needs (c of every step), with recurrent dropout's keep [B, U] on c_{t−1} if given.
   */
  forward(
    x: Float32Array,
    B: number,
    T: number,
    states: [Float32Array, Float32Array],
    mask: Float32Array | null,
    train: { keep: Float32Array | null } | null = null,
  ): Float32Array {
    const { features: F, units: U, blocks } = this;
    const { activation, returnSequences, goBackwards } = this.options;
    const p = this.projection.forward(x, B * T);
    const [v, bias] = [this.recurrentWeights, this.bias];
    const [h, c] = states;
    const keep = train?.keep ?? null;
    const cs = train ? [c.slice()] : [];
    const out = new Float32Array(returnSequences ? B * T * U : B * U);
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        if (!mask || mask[b * T + t] !== 0) {
          const row = (b * T + t) * blocks * U;
          for (let j = 0; j < U; j++) {
            const i = b * U + j;
            const cPrev = c[i]!;
            const cRec = keep ? cPrev * keep[i]! : cPrev;
            const f = sigmoid(p[row + U + j]! + v[j]! * cRec + bias[j]!);
            const r = sigmoid(p[row + 2 * U + j]! + v[U + j]! * cRec + bias[U + j]!);
            const skip = blocks === 3 ? x[(b * T + t) * F + j]! : p[row + 3 * U + j]!;
            c[i] = f * cPrev + (1 - f) * p[row + j]!;
            h[i] = r * activate(c[i]!, activation) + (1 - r) * skip;
          }
        }
        if (returnSequences) out.set(h.subarray(b * U, (b + 1) * U), (b * T + s) * U);
      }
      if (train) cs.push(c.slice());
    }
    if (!returnSequences) out.set(h);
    this.trace = train ? { x, p, B, T, cs, mask, keep } : null;
    return out;
  }

  /**
   * Backpropagation through time over the last training forward pass, from dOut (its output's gradient): the
   * element-wise recurrence back on the host, each unit's own loop, into the projections' gradient dP, which the
   * projection's backward (wasm/denseBackward.ts's GEMMs) turns into dKernel and dX. Masked steps pass dh and dc on.
   */
  backward(dOut: Float32Array): { dX: Float32Array; dKernel: Float32Array; dRecurrentWeights: Float32Array; dBias: Float32Array } {
    const tr = this.trace;
    if (!tr) throw new Error('WasmSru.backward needs a training forward pass first');
    const { features: F, units: U, blocks } = this;
    const { activation, returnSequences, goBackwards } = this.options;
    const { x, p, B, T, cs, mask, keep } = tr;
    const [v, bias] = [this.recurrentWeights, this.bias];
    const dP = new Float32Array(p.length);
    const dSkipX = new Float32Array(B * T * F);
    const dV = new Float32Array(2 * U);
    const dBias = new Float32Array(2 * U);
    const dh = new Float64Array(B * U);
    const dc = new Float64Array(B * U);
    if (!returnSequences) for (let i = 0; i < B * U; i++) dh[i] = dOut[i]!;
    for (let s = T - 1; s >= 0; s--) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        if (returnSequences) for (let j = 0; j < U; j++) dh[b * U + j]! += dOut[(b * T + s) * U + j]!;
        if (mask && mask[b * T + t] === 0) continue; // the step kept both states: dh and dc go on whole
        const row = (b * T + t) * blocks * U;
        for (let j = 0; j < U; j++) {
          const i = b * U + j;
          const [cPrev, cNew, k] = [cs[s]![i]!, cs[s + 1]![i]!, keep ? keep[i]! : 1];
          const f = sigmoid(p[row + U + j]! + v[j]! * cPrev * k + bias[j]!);
          const r = sigmoid(p[row + 2 * U + j]! + v[U + j]! * cPrev * k + bias[U + j]!);
          const skip = blocks === 3 ? x[(b * T + t) * F + j]! : p[row + 3 * U + j]!;
          const g = activate(cNew, activation);
          const dr = dh[i]! * (g - skip) * r * (1 - r);
          const dct = dc[i]! + dh[i]! * r * slope(g, activation);
          const df = dct * (cPrev - p[row + j]!) * f * (1 - f);
          const dSkip = dh[i]! * (1 - r);
          dP[row + j] = dct * (1 - f);
          dP[row + U + j] = df;
          dP[row + 2 * U + j] = dr;
          if (blocks === 4) dP[row + 3 * U + j] = dSkip;
          else dSkipX[(b * T + t) * F + j] = dSkip;
          dV[j]! += df * cPrev * k;
          dV[U + j]! += dr * cPrev * k;
          dBias[j]! += df;
          dBias[U + j]! += dr;
          dc[i] = dct * f + (df * v[j]! + dr * v[U + j]!) * k;
          dh[i] = 0;
        }
      }
    }
    const g = this.projection.backward(dP, p);
    for (let i = 0; i < dSkipX.length; i++) g.dX[i]! += dSkipX[i]!;
    return { dX: g.dX, dKernel: g.dKernel, dRecurrentWeights: dV, dBias };
  }
}

/** What a training forward pass kept for backward: x, the projections, c of every step (slot 0: c_0). */
interface SruTrace {
  x: Float32Array;
  p: Float32Array;
  B: number;
  T: number;
  cs: Float32Array[];
  mask: Float32Array | null;
  keep: Float32Array | null;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function activate(v: number, kind: CellActivation): number {
  return kind === 'tanh' ? Math.tanh(v) : kind === 'relu' ? Math.max(v, 0) : kind === 'sigmoid' ? sigmoid(v) : v;
}

/** g′ from g = activate(c): as shaders/activations.wgsl's act_grad_from_output. */
function slope(g: number, kind: CellActivation): number {
  return kind === 'tanh' ? 1 - g * g : kind === 'relu' ? (g > 0 ? 1 : 0) : kind === 'sigmoid' ? g * (1 - g) : 1;
}
