/**
 * Activation names as users write them, and the ids the WGSL `act()` switch uses (shaders/activations.wgsl).
 * The CPU twin is src/reference/activations.ts.
 */
import { ValueError } from '../errors';

export const ACTIVATION_IDS = { tanh: 0, relu: 1, sigmoid: 2, linear: 3, hardSigmoid: 4 } as const;
export type ActivationName = keyof typeof ACTIVATION_IDS;

/** What a recurrent cell accepts for `activation` (the candidate and the output squashing). */
export const CELL_ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear'] as const;
export type CellActivation = (typeof CELL_ACTIVATIONS)[number];
/** What it accepts for `recurrentActivation` (the gates). */
export const GATE_ACTIVATIONS = ['sigmoid', 'hardSigmoid'] as const;
export type GateActivation = (typeof GATE_ACTIVATIONS)[number];

export function checkActivation<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ValueError(`${option} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(value)}`);
}
