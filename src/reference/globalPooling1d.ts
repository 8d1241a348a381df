/** Float64 twin of shaders/globalPooling1d.wgsl: pooling over time of a time-major [T, batch·cols] sequence, and its gradient (max: ties share evenly). */
import type { PoolKind } from '../kernels/globalPooling1d';

export function poolForward(kind: PoolKind, x: ArrayLike<number>, timesteps: number, block: number, xOffset = 0): Float64Array {
  const y = new Float64Array(block);
  for (let i = 0; i < block; i++) {
    let acc = kind === 'avg' ? 0 : -Infinity;
    for (let t = 0; t < timesteps; t++) {
      const v = x[xOffset + t * block + i]!;
      acc = kind === 'avg' ? acc + v : Math.max(acc, v);
    }
    y[i] = kind === 'avg' ? acc / timesteps : acc;
  }
  return y;
}

export function poolBackward(kind: PoolKind, x: ArrayLike<number>, dy: ArrayLike<number>, timesteps: number, block: number, xOffset = 0): Float64Array {
  const dx = new Float64Array(timesteps * block);
  const y = kind === 'max' ? poolForward('max', x, timesteps, block, xOffset) : null;
  for (let i = 0; i < block; i++) {
    if (!y) {
      for (let t = 0; t < timesteps; t++) dx[t * block + i] = dy[i]! / timesteps;
      continue;
    }
    const isMax = (t: number) => x[xOffset + t * block + i] === y[i];
    let ties = 0;
    for (let t = 0; t < timesteps; t++) if (isMax(t)) ties++;
    for (let t = 0; t < timesteps; t++) dx[t * block + i] = isMax(t) ? dy[i]! / ties : 0;
  }
  return dx;
}

/** Masked average pooling (mask [T·batch] time-major, block = batch·cols): the mean over real steps, 0 for a row with none. */
export function maskedAvgPoolForward(x: ArrayLike<number>, mask: ArrayLike<number>, timesteps: number, batch: number, cols: number, xOffset = 0): Float64Array {
  const y = new Float64Array(batch * cols);
  for (let b = 0; b < batch; b++) {
    let count = 0;
    for (let t = 0; t < timesteps; t++) if (mask[t * batch + b] !== 0) count++;
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let t = 0; t < timesteps; t++) if (mask[t * batch + b] !== 0) sum += x[xOffset + (t * batch + b) * cols + c]!;
      y[b * cols + c] = count > 0 ? sum / count : 0;
    }
  }
  return y;
}

export function maskedAvgPoolBackward(mask: ArrayLike<number>, dy: ArrayLike<number>, timesteps: number, batch: number, cols: number): Float64Array {
  const dx = new Float64Array(timesteps * batch * cols);
  for (let b = 0; b < batch; b++) {
    let count = 0;
    for (let t = 0; t < timesteps; t++) if (mask[t * batch + b] !== 0) count++;
    for (let t = 0; t < timesteps; t++) {
      if (mask[t * batch + b] === 0 || count === 0) continue;
      for (let c = 0; c < cols; c++) dx[(t * batch + b) * cols + c] = dy[b * cols + c]! / count;
    }
  }
  return dx;
}
