/** Checks for layer configs: each failure names the layer, the option, what it accepts and what it got. */
import { ValueError } from '../errors';
import type { RegularizerConfig } from './layer';

export function positiveInt(layer: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`${layer}: ${option} must be a positive integer; got ${JSON.stringify(value)}`);
  }
  return value;
}

export function optionalBool(layer: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${layer}: ${option} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

export function optionalShape(layer: string, value: unknown): number[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || !value.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${layer}: inputShape must be the shape of one sample, positive integers such as [60, 1]; got ${JSON.stringify(value)}`);
  }
  return [...value];
}

export function regularizer(layer: string, option: string, value: unknown): RegularizerConfig | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') throw new ValueError(`${layer}: ${option} must be { l1?, l2? }; got ${JSON.stringify(value)}`);
  const { l1, l2, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new ValueError(`${layer}: ${option} accepts l1 and l2; got unknown ${Object.keys(rest).join(', ')}`);
  for (const [k, v] of [
    ['l1', l1],
    ['l2', l2],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new ValueError(`${layer}: ${option}.${k} must be a finite number ≥ 0; got ${JSON.stringify(v)}`);
    }
  }
  return { ...(l1 !== undefined ? { l1: l1 as number } : {}), ...(l2 !== undefined ? { l2: l2 as number } : {}) };
}

/** Throws on config keys the layer does not know, so a typo ('unit') is not silently ignored. */
export function knownKeys(layer: string, config: object, keys: readonly string[]): void {
  const unknown = Object.keys(config).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new ValueError(`${layer}: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${keys.join(', ')}`);
}

let counters = new Map<string, number>();
/** Keras-style default names: lstm, lstm_1, lstm_2 ... (per page, like Keras's per-session counter). */
export function defaultName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}
export function resetNameCounters(): void {
  counters = new Map();
}

/**
 * Keras's three ways to declare a layer's input: `inputShape` (one sample), `batchInputShape` (batch size
 * first, as Keras's batch_input_shape) or `inputShape` with `batchSize`. The batch size is optional except for
 * stateful models, whose states hold one row per batch row.
 */
export function inputSpec(
  layer: string,
  config: { inputShape?: unknown; batchInputShape?: unknown; batchSize?: unknown },
): { shape: number[] | null; batchSize: number | null } {
  if (config.batchInputShape !== undefined && config.batchInputShape !== null) {
    if (config.inputShape !== undefined || config.batchSize !== undefined) {
      throw new ValueError(
        `${layer}: give batchInputShape, or inputShape with batchSize; got both batchInputShape and ${config.inputShape !== undefined ? 'inputShape' : 'batchSize'}`,
      );
    }
    const full = optionalShape(layer, config.batchInputShape)?.slice();
    if (!full || full.length < 2) {
      throw new ValueError(
        `${layer}: batchInputShape must be [batchSize, ...shape of one sample], such as [1, 60, 1]; got ${JSON.stringify(config.batchInputShape)}`,
      );
    }
    return { batchSize: full[0]!, shape: full.slice(1) };
  }
  const shape = optionalShape(layer, config.inputShape);
  const batchSize = config.batchSize === undefined || config.batchSize === null ? null : positiveInt(layer, 'batchSize', config.batchSize);
  return { shape, batchSize };
}
