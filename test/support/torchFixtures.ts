/**
 * The PyTorch golden fixtures (test/fixtures/torch, made by scripts/make_torch_fixtures.py with real PyTorch)
 * and a float64 forward of the webrnn stack they convert to, built from the reference twins: each PyTorch
 * layer is a webrnn layer (Bidirectional: forward and goBackwards runs, the backward sequence flipped back to
 * input order and concatenated after the forward one), then the Linear head on the final output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TorchModuleSpec } from '../../src/io/pytorch';
import { gruForward } from '../../src/reference/gruStep';
import { lstmForward } from '../../src/reference/lstmStep';
import { simpleRnnForward } from '../../src/reference/simpleRnnStep';

export const TORCH_DIR = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));

export interface TorchCase {
  file: string;
  module: 'LSTM' | 'GRU' | 'RNN';
  numLayers: number;
  bidirectional: boolean;
  hiddenSize: number;
  nonlinearity: 'tanh' | 'relu';
  x: { shape: number[]; data: number[] };
  y: { shape: number[]; data: number[] };
}

export const torchCases: { torch: string; cases: Record<string, TorchCase> } = JSON.parse(readFileSync(join(TORCH_DIR, 'cases.json'), 'utf8'));

export function torchBytes(c: TorchCase): Uint8Array {
  return readFileSync(join(TORCH_DIR, c.file));
}

export function modulesOf(c: TorchCase): TorchModuleSpec[] {
  const kind = c.module.toLowerCase() as 'lstm' | 'gru' | 'rnn';
  return [
    { kind, prefix: 'rnn.', numLayers: c.numLayers, bidirectional: c.bidirectional },
    { kind: 'linear', prefix: 'head.' },
  ];
}

type W = { data: Float32Array; shape: number[] };

function runDirection(c: TorchCase, x: Float64Array, shape: number[], w: W[], goBackwards: boolean, returnSequences: boolean) {
  const inputs = { x: { data: x, shape }, kernel: w[0]!, recurrentKernel: w[1]!, bias: w[2]! };
  const options = { returnSequences, goBackwards };
  if (c.module === 'LSTM') return lstmForward(inputs, options).output;
  if (c.module === 'GRU') return gruForward(inputs, { ...options, resetAfter: true }).output;
  return simpleRnnForward(inputs, { ...options, activation: c.nonlinearity }).output;
}

/** Float64 forward of the converted weights (webrnn order) on the case's input. */
export function referenceStack(c: TorchCase, weights: W[]): Float64Array {
  const [B, T] = c.x.shape as [number, number];
  let x: Float64Array = Float64Array.from(c.x.data);
  let shape = [...c.x.shape];
  let at = 0;
  const H = c.hiddenSize;
  for (let k = 0; k < c.numLayers; k++) {
    const last = k === c.numLayers - 1;
    const fwd = runDirection(c, x, shape, weights.slice(at, at + 3), false, !last);
    at += 3;
    if (!c.bidirectional) {
      x = fwd.data;
    } else {
      const bwd = runDirection(c, x, shape, weights.slice(at, at + 3), true, !last);
      at += 3;
      const steps = last ? 1 : T;
      const merged = new Float64Array(B * steps * 2 * H);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < steps; t++) {
          // goBackwards sequences come in processing order: step t of the input is step T-1-t there.
          const tb = last ? 0 : T - 1 - t;
          merged.set(fwd.data.subarray((b * steps + t) * H, (b * steps + t + 1) * H), (b * steps + t) * 2 * H);
          merged.set(bwd.data.subarray((b * steps + tb) * H, (b * steps + tb + 1) * H), (b * steps + t) * 2 * H + H);
        }
      }
      x = merged;
    }
    shape = last ? [B, H * (c.bidirectional ? 2 : 1)] : [B, T, H * (c.bidirectional ? 2 : 1)];
  }
  const kernel = weights[at]!;
  const bias = weights[at + 1]!;
  const [inF, outF] = kernel.shape as [number, number];
  const y = new Float64Array(B * outF);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < outF; o++) {
      let s = bias.data[o]!;
      for (let i = 0; i < inF; i++) s += x[b * inF + i]! * kernel.data[i * outF + o]!;
      y[b * outF + o] = s;
    }
  }
  return y;
}
