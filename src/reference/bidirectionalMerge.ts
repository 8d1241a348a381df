/** Float64 twin of shaders/bidirectionalMerge.wgsl: Keras's merge modes and their gradients, on compact [rows, units] inputs. */
import type { MergeMode } from '../kernels/bidirectionalMerge';

export function merge(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, units: number, mode: MergeMode): Float64Array {
  const out = new Float64Array(rows * (mode === 'concat' ? 2 * units : units));
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      const i = r * units + j;
      const [va, vb] = [a[i]!, b[i]!];
      if (mode === 'concat') {
        out[r * 2 * units + j] = va;
        out[r * 2 * units + units + j] = vb;
      } else {
        out[i] = mode === 'sum' ? va + vb : mode === 'mul' ? va * vb : (va + vb) / 2;
      }
    }
  }
  return out;
}

export function split(
  dout: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  units: number,
  mode: MergeMode,
): { da: Float64Array; db: Float64Array } {
  const da = new Float64Array(rows * units);
  const db = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      const i = r * units + j;
      if (mode === 'concat') {
        da[i] = dout[r * 2 * units + j]!;
        db[i] = dout[r * 2 * units + units + j]!;
      } else if (mode === 'mul') {
        da[i] = dout[i]! * b[i]!;
        db[i] = dout[i]! * a[i]!;
      } else {
        const scale = mode === 'ave' ? 0.5 : 1;
        da[i] = dout[i]! * scale;
        db[i] = dout[i]! * scale;
      }
    }
  }
  return { da, db };
}
