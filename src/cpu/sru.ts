/**
 * The SRU forward pass on the CPU path (Lei et al. 2018, as src/reference/sruSeq.ts writes it): the projections of
 * every timestep as one GEMM (wasm/dense.ts through WasmDense), then the element-wise recurrence on the host, each
 * unit's own loop over time:
 *
 *   x̃ = x·W   f = σ(x·W_f + v_f ⊙ c + b_f)   r = σ(x·W_r + v_r ⊙ c + b_r)
 *   c' = f ⊙ c + (1 − f) ⊙ x̃                  h = r ⊙ g(c') + (1 − r) ⊙ x̂,  x̂ = x (features = units) or x·W_h
 *
 * Under Keras's timestep mask a masked step keeps both states. Checked against the twin by test/sru.wasm.test.ts.
 */
import type { CellActivation } from '../kernels/activations';
import { WasmDense } from './dense';

export class WasmSru {
  private readonly projection: WasmDense;
  private readonly blocks: number;

  constructor(
    private readonly features: number,
    private readonly units: number,
    kernel: ArrayLike<number>,
    private readonly recurrentWeights: ArrayLike<number>,
    private readonly bias: ArrayLike<number>,
    private readonly options: { activation: CellActivation; returnSequences: boolean; goBackwards: boolean },
  ) {
    this.blocks = features === units ? 3 : 4;
    this.projection = new WasmDense(features, this.blocks * units, kernel, null, 'linear');
  }

  /** x [B, T, F] batch-major; states [h, c] [B, U] each, updated in place; mask [B, T] or null. Returns the output. */
  forward(x: Float32Array, B: number, T: number, states: [Float32Array, Float32Array], mask: Float32Array | null): Float32Array {
    const { features: F, units: U, blocks } = this;
    const { activation, returnSequences, goBackwards } = this.options;
    const p = this.projection.forward(x, B * T);
    const [v, bias] = [this.recurrentWeights, this.bias];
    const [h, c] = states;
    const out = new Float32Array(returnSequences ? B * T * U : B * U);
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) {
        if (!mask || mask[b * T + t] !== 0) {
          const row = (b * T + t) * blocks * U;
          for (let j = 0; j < U; j++) {
            const i = b * U + j;
            const cPrev = c[i]!;
            const f = sigmoid(p[row + U + j]! + v[j]! * cPrev + bias[j]!);
            const r = sigmoid(p[row + 2 * U + j]! + v[U + j]! * cPrev + bias[U + j]!);
            const skip = blocks === 3 ? x[(b * T + t) * F + j]! : p[row + 3 * U + j]!;
            c[i] = f * cPrev + (1 - f) * p[row + j]!;
            h[i] = r * activate(c[i]!, activation) + (1 - r) * skip;
          }
        }
        if (returnSequences) out.set(h.subarray(b * U, (b + 1) * U), (b * T + s) * U);
      }
    }
    if (!returnSequences) out.set(h);
    return out;
  }
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function activate(v: number, kind: CellActivation): number {
  return kind === 'tanh' ? Math.tanh(v) : kind === 'relu' ? Math.max(v, 0) : kind === 'sigmoid' ? sigmoid(v) : v;
}
