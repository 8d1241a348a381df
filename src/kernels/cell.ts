/**
 * The one interface every recurrent cell's kernels offer (src/cells/: LSTM, GRU, SimpleRNN), and the types its
 * passes share. Layers (src/layers/recurrent.ts) and the functional API (src/ops/recurrent.ts) bind and run any
 * cell through it alone, so a new cell, or a new per-step input such as a mask, is one implementation of this
 * interface and its kernels, not an edit in every caller.
 *
 * Buffers are time-major: row r = t·batch + b, indexed by input time t in both directions (shaders/direction.wgsl).
 */
import { ValueError } from '../errors';
import type { BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { KernelChoice } from '../gpu/runtime';
import { ACTIVATION_IDS, type CellActivation, type GateActivation } from './activations';
import type { RecurrentKeep } from './recurrentDropout';

/** The sizes of one layer's pass: `features` is the width of x_t, `units` of h_t. */
export interface CellDims {
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  /** A masked pass (CellForward.mask set): every variant of every cell reads the mask (shaders/direction.wgsl). */
  masked?: boolean;
  /** A pass with recurrent dropout (CellForward.recurrentKeep set): every variant of every cell reads it. */
  recurrentDropout?: boolean;
}

/**
 * A recurrent layer's weights by role: the input kernel, the recurrent weights and the bias, named as Keras names an
 * LSTM's. A cell whose weights have other Keras names (the SRU's recurrent_weights, the echo state's input_kernel
 * and reservoir) says so in CellKernels.weightNames, and the arena's views are mapped to these roles.
 */
export interface CellWeights {
  kernel: BufferRef;
  recurrent_kernel: BufferRef;
  bias: BufferRef;
}

/** What a forward pass reads and writes. */
export interface CellForward {
  x: BufferRef;
  /** Where x starts in its buffer, in floats (a stacked layer reads the h slots 1..T of the layer below). */
  xOffset: number;
  weights: CellWeights;
  /** The states, h first (LSTM: h, c), each [T+1, batch, units]: the caller writes the initial slot. */
  states: readonly BufferRef[];
  /** The cell's own buffers, named and sized by forwardScratch (backward passes get backwardScratch's too). */
  scratch: Readonly<Record<string, BufferRef>>;
  /**
   * Keras's timestep mask, [T·B] time-major, 1 where x_t of row b is real, 0 where it is padding: a masked step
   * leaves the states as they were (shaders/direction.wgsl). Null: every step runs. Set with dims.masked.
   */
  mask: BufferRef | null;
  /**
   * Recurrent dropout (Keras recurrent_dropout, training only): the buffer of ./recurrentDropout.ts whose keep
   * [B, u] multiplies h_{t−1} in every recurrent product, with a copy of `mask` before it when masked (the
   * caller fills both). Set with dims.recurrentDropout; absent or null: none.
   */
  recurrentKeep?: RecurrentKeep | null;
}

/** What backpropagation through time reads and writes, besides what the forward pass saved. */
export interface CellBackward extends CellForward {
  /** The output's gradient: [T, B, u] when dyIsSequence (block t for the output after x_t), else [B, u]. */
  dy: BufferRef;
  dyIsSequence: boolean;
  /** Where the weight gradients go (overwritten, not accumulated), laid out as `weights`. */
  grads: CellWeights;
  /** Gradients reaching the final states from outside, one [B, u] per state (zeros in a model). */
  dFinal: readonly BufferRef[];
  /** Where the initial states' gradients go, one [B, u] per state; null when nothing reads them (a model's layer). */
  dInitial: readonly BufferRef[] | null;
  /** The input's gradient [T, B, features], or null when nothing below needs it. */
  dx: BufferRef | null;
}

/**
 * The override constants every recurrent step kernel takes: its workgroup size, the activations (ids of
 * shaders/activations.wgsl) and the direction (shaders/direction.wgsl).
 */
export function stepConstants(
  wg: number,
  o: { activation: CellActivation; recurrentActivation?: GateActivation; goBackwards?: boolean },
): Record<string, number> {
  return {
    WG: wg,
    ACTIVATION: ACTIVATION_IDS[o.activation],
    ...(o.recurrentActivation ? { RECURRENT_ACTIVATION: ACTIVATION_IDS[o.recurrentActivation] } : {}),
    GO_BACKWARDS: o.goBackwards ? 1 : 0,
  };
}

/** The packed-weights scratch a register-blocked variant needs; a missing one is the caller's bug, named. */
export function variantScratch(cell: string, variant: string, scratch: BufferRef | undefined): BufferRef {
  if (!scratch) throw new ValueError(`the '${variant}' ${cell} kernel needs a scratch buffer of ${cell}Sizes().scratch floats`);
  return scratch;
}

/** The scratch a variant that binds the step mask adds for masking (see StepMask in ./sequenceMask). */
export function stepMaskScratch(dims: CellDims, backward: boolean): Record<string, number> {
  return backward ? { dhCarry: dims.masked ? dims.batch * dims.units : 4 } : { maskSpare: 4 };
}

/** The scratch a backward pass with recurrent dropout adds: H_{t−1} ⊙ keep, the A of dU's GEMM. */
export function recurrentKeepScratch(dims: CellDims): Record<string, number> {
  return dims.recurrentDropout ? { droppedStates: dims.timesteps * dims.batch * dims.units } : {};
}

/** What picks a kernel variant besides the shapes: the runtime's pinned choices and its adapter. */
export interface VariantContext {
  kernels: KernelChoice;
  adapter: { isFallback: boolean };
}

export interface CellKernels<Options, Variant extends string = string> {
  /** 'lstm', 'gru', 'simpleRnn': buffer labels and the key of RuntimeOptions.kernels. */
  readonly name: string;
  /** The states the cell carries, h first (LSTM: h, c; the others: h): buffer labels and error messages. */
  readonly stateNames: readonly string[];
  /**
   * The Keras names of the weights CellWeights.kernel and .recurrent_kernel carry, where they are not kernel and
   * recurrent_kernel: the SRU's element-wise recurrent_weights [2, u], the echo-state input_kernel and reservoir.
   */
  readonly weightNames?: { kernel?: string; recurrent?: string };
  /** The variant a pass runs: one the options pin, else the runtime's pinned one, else the adapter's measured default. */
  variant(dims: CellDims, options: Options, context: VariantContext): Variant;
  /** Floats of each scratch buffer a forward pass with `variant` needs. */
  forwardScratch(dims: CellDims, options: Options, variant: Variant): Record<string, number>;
  /** Floats of each further scratch buffer a backward pass needs; `dInitial` says whether the initial states' gradients are wanted. */
  backwardScratch(dims: CellDims, options: Options, variant: Variant, dInitial: boolean): Record<string, number>;
  recordForward(plan: Plan, io: CellForward, dims: CellDims, options: Options, variant: Variant): void;
  recordBackward(plan: Plan, io: CellBackward, dims: CellDims, options: Options, variant: Variant): void;
}
