/** Float64 twin of shaders/activations.wgsl: the same five activations and their derivatives from outputs. */
import type { ActivationName } from '../kernels/activations';

export function act(x: number, kind: ActivationName): number {
  switch (kind) {
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return Math.max(x, 0);
    case 'sigmoid':
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'hardSigmoid':
      return Math.min(1, Math.max(0, 0.2 * x + 0.5));
    case 'linear':
      return x;
  }
}

/** d act(x)/dx written with y = act(x), as the kernels compute it from saved outputs. */
export function actGradFromOutput(y: number, kind: ActivationName): number {
  switch (kind) {
    case 'tanh':
      return 1 - y * y;
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'sigmoid':
      return y * (1 - y);
    case 'hardSigmoid':
      return y > 0 && y < 1 ? 0.2 : 0;
    case 'linear':
      return 1;
  }
}
