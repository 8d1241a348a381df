/**
 * What the CPU path's recurrent cells share (src/cpu/lstm.ts, gru.ts, simpleRnn.ts): weights laid out once in
 * WebAssembly memory for the kernels in wasm/, and the loop over time. Units are padded to a multiple of 4 (the
 * kernels' f32x4 lanes) in every gate block; a padded unit has zero weights in and out, so it never reaches a real
 * one. Memory (float offsets, 16-byte aligned regions): the weights, then per call x time-major in processing
 * order, XW = X·W + b for every step, h for every step (slot 0: the initial state), then each extra per-row vector
 * (the LSTM's c, the GRU's scratch). The memory grows to the largest call and is reused.
 */
import { ShapeError } from '../errors';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { growTo, instantiateWasm } from './wasmInstance';

/** What every cell's module exports besides its step: the memory it was given and the input projection. */
export interface CellModule {
  memory: WebAssembly.Memory;
  /** C = A·B + bias, or C += A·B with add = 1 (wasm/lib/gemm.ts). */
  gemm(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, add: number): void;
}

/** Byte pointers one timestep's kernel call takes. */
export interface StepPointers {
  /** XW_t [rows, gates·Up]. */
  xw: number;
  /** h_{t−1} as the recurrent products read it: h_{t−1} ⊙ keep under recurrent dropout (a scratch copy). */
  hPrev: number;
  /** h_{t−1} itself (hPrev without recurrent dropout): the GRU's mix reads it. */
  hTrue: number;
  h: number;
  /** The extra per-row vectors [rows, Up] each, in the order asked for. */
  extra: number[];
  rows: number;
  /** Training: this step's part of the cache the backward pass reads ([rows, cacheWidth]); 0 otherwise. */
  cache: number;
}

/** Byte pointers one timestep's backward call takes, at processing step s (from the last). */
export interface BackPointers {
  /** The step's kept cache, and the kept extras before (c_{t−1}) and after (c_t) the step. */
  cache: number;
  extraPrev: number[];
  extra: number[];
  hPrev: number;
  h: number;
  /** h_{t−1} as the recurrent products read it (hPrev ⊙ keep under recurrent dropout, else hPrev). */
  hRec: number;
  /** The whole gradient reaching h_t [rows, Up]. */
  dh: number;
  /** Where the step writes dz_t [rows, gates·Up]: what the gate pre-activations get (the input side: dW, db, dX). */
  dz: number;
  /** The recurrent side's [rows, gates·Up] (dU and dh_{t−1} += dzh·Uᵀ): dz itself unless separateRecurrent. */
  dzh: number;
  /** dh_{t−1} [rows, Up]: holds the output's gradient at t − 1; the step may add terms of its own. */
  dhPrev: number;
  /** Where terms through the recurrent products go: dhPrev, or under recurrent dropout a buffer the driver adds ⊙ keep. */
  dhRec: number;
  /** The step's scratch (stepScratch floats). */
  scratch: number;
  /** Gradients carried from step to step [rows, Up] each (the LSTM's dc): in for step t, out for t − 1. */
  carry: number[];
  rows: number;
}

/** The gradients of one training batch through a cell, in Keras layout. */
export interface CellGradients {
  /** dL/dx, batch-major [batch, timesteps, features] in input time. */
  dX: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
  /** The first bias row's gradient (the one added into XW). */
  dBias: Float32Array;
  /** The recurrent bias row's (1ᵀ·dZh), with separateRecurrent. */
  dRecurrentBias?: Float32Array;
  /** What reaches the initial h [batch, units], and each carried gradient at the start (the LSTM's dc0). */
  dh0: Float32Array;
  carry0: Float32Array[];
}

/** What backwardSequence's fixRecurrent gets: memory (float offsets) after the weight gradients, before unpadding. */
export interface RecurrentFix {
  f32: Float32Array;
  TB: number;
  /** dZ [TB, G], dU [Up, G], a free [Up, TB] region (H_{t−1}ᵀ, no longer needed), postScratch, the forward's cache. */
  dz: number;
  du: number;
  ht: number;
  post: number;
  cacheAt: number;
  cacheWidth: number;
  gemm: CellModule['gemm'];
}

/** Where a training forward pass left what its backward pass reads (float offsets into the module's memory). */
interface Trace {
  B: number;
  T: number;
  xAt: number;
  hAt: number;
  /** Kept extras, (T + 1)·B·Up floats each (slot 0: the initial value). */
  extraAt: number;
  kept: number;
  cacheAt: number;
  cacheWidth: number;
  end: number;
  goBackwards: boolean;
  returnSequences: boolean;
  mask: Tensor | null;
  /** Recurrent dropout's keep [B, Up] (0 or 1/(1 − rate)), or null. */
  keep: Float32Array | null;
}

/** Float counts rounded up to whole f32x4 vectors, so every region starts 16-byte aligned. */
const region = (floats: number) => Math.ceil(floats / 4) * 4;

/**
 * The weights with a one-step x of the kernel's width: what the functional op's input checks take, so a cell on the
 * CPU path refuses bad weights with the GPU op's typed errors before it lays anything out.
 */
export function weightsWithProbe(weights: { kernel: TensorLike; recurrentKernel: TensorLike; bias: TensorLike }) {
  const width = toTensor(weights.kernel, 'kernel').shape[0] ?? 0;
  return { kernel: weights.kernel, recurrentKernel: weights.recurrentKernel, bias: weights.bias, x: { data: new Float32Array(width), shape: [1, 1, width] } };
}

export abstract class WasmRecurrence<K extends CellModule> {
  readonly features: number;
  readonly units: number;
  /** Units rounded up to a multiple of 4. */
  protected readonly padded: number;
  protected readonly gates: number;
  protected readonly k: K;
  /**
   * Float offsets of the laid-out weights: W [F, gates·Up], U [Up, gates·Up], each bias row [gates·Up], then the
   * `reserve` floats a cell asked for (a sparse reservoir's index), then `end`, where each pass's data starts.
   */
  protected readonly at: { w: number; u: number; bias: number[]; reserve: number; end: number };
  /** The last training forward pass's layout, which backwardSequence reads; null after an inference pass. */
  private trace: Trace | null = null;

  /** `biasRows`: the input bias first (it goes into XW), then any the step kernel adds itself. */
  protected constructor(base64: string, gates: number, kernel: Tensor, recurrentKernel: Tensor, biasRows: ArrayLike<number>[], reserve = 0) {
    [this.features, this.units, this.gates] = [kernel.shape[0]!, recurrentKernel.shape[0]!, gates];
    const [F, U] = [this.features, this.units];
    const Up = (this.padded = Math.ceil(U / 4) * 4);
    const G = gates * Up;
    const bias = biasRows.map((_, i) => F * G + Up * G + i * G);
    const reserveAt = F * G + Up * G + biasRows.length * G;
    this.at = { w: 0, u: F * G, bias, reserve: reserveAt, end: region(reserveAt + reserve) };
    this.k = instantiateWasm<K>(base64, 4 * this.at.end);
    this.layOut(kernel.data, recurrentKernel.data, biasRows);
  }

  /**
   * Lays Keras-layout weights of this cell's sizes out again (training changes them every batch); padded units
   * stay zero. Sizes are the caller's to keep: the model's arena has them fixed.
   */
  layOut(kernel: ArrayLike<number>, recurrentKernel: ArrayLike<number>, biasRows: ArrayLike<number>[]): void {
    const [F, U, gates, Up] = [this.features, this.units, this.gates, this.padded];
    const G = gates * Up;
    const f32 = new Float32Array(this.k.memory.buffer);
    const pad = (from: ArrayLike<number>, rows: number, at: number) => {
      for (let r = 0; r < rows; r++) for (let g = 0; g < gates; g++) for (let j = 0; j < U; j++) f32[at + r * G + g * Up + j] = from[(r * gates + g) * U + j]!;
    };
    pad(kernel, F, this.at.w);
    pad(recurrentKernel, U, this.at.u);
    biasRows.forEach((row, i) => pad(row, 1, this.at.bias[i]!));
  }

  /** x checked against these weights: [batch, timesteps, features], every size ≥ 1. */
  protected checkX(x: TensorLike): Tensor {
    const xt = toTensor(x, 'x');
    const [B, T] = xt.shape as [number, number];
    if (xt.shape.length !== 3 || xt.shape[2] !== this.features || !(B >= 1 && T >= 1)) {
      throw new ShapeError(
        `the layer expects x [batch, timesteps, ${this.features}] (its kernel takes ${this.features} features), every size ≥ 1; got [${xt.shape.join(', ')}]`,
      );
    }
    return xt;
  }

  /** The dims the functional ops' checks take, for x checked by checkX. */
  protected dimsOf(x: Tensor): { batch: number; timesteps: number; features: number; units: number } {
    return { batch: x.shape[0]!, timesteps: x.shape[1]!, features: this.features, units: this.units };
  }

  /**
   * Runs the sequence: x into memory in processing order, XW by one GEMM, then `step` for each timestep. `extra`:
   * the initial values of the per-row vectors the step keeps (null: zeros), and `scratch` more of them that start
   * at zero. `mask` [batch, timesteps] (input time, 0 = padding): a masked row's step keeps h and the extras.
   * `train` keeps what backwardSequence needs: the extras of every step, and `cacheWidth` floats per row per step
   * that the step writes at `cache`. Returns the output (every h, batch-major, or the last), the final h and each
   * kept vector, unpadded.
   */
  protected sequence(
    x: Tensor,
    h0: Tensor | null,
    extra: (Tensor | null)[],
    scratch: number,
    options: { returnSequences: boolean; goBackwards: boolean },
    step: (p: StepPointers) => void,
    mask: Tensor | null = null,
    train: { cacheWidth: number; keep?: Float32Array | null } | null = null,
  ): { output: Float32Array; h: Float32Array; extra: Float32Array[] } {
    const { units: U, padded: Up, features: F } = this;
    const G = this.gates * Up;
    const [B, T] = x.shape as [number, number];
    const slots = train ? T + 1 : 1;
    const xAt = this.at.end;
    const xwAt = xAt + region(T * B * F);
    const hAt = xwAt + T * B * G;
    const extraAt = hAt + (T + 1) * B * Up;
    const scratchAt = extraAt + extra.length * slots * B * Up;
    const cacheAt = scratchAt + scratch * B * Up;
    const cacheWidth = train?.cacheWidth ?? 0;
    // Recurrent dropout (training only): keep [B, U] (0 or 1/(1 − rate) per row and unit, padded here), and
    // h_{t−1} ⊙ keep, what the products read.
    const keep = train?.keep ?? null;
    const keepAt = cacheAt + T * B * cacheWidth;
    const droppedAt = keepAt + (keep ? B * Up : 0);
    const total = droppedAt + (keep ? B * Up : 0);
    const f32 = this.memoryFor(total);
    for (let s = 0; s < T; s++) {
      const t = options.goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) f32.set(x.data.subarray((b * T + t) * F, (b * T + t + 1) * F), xAt + (s * B + b) * F);
    }
    f32.fill(0, hAt, total);
    const rows = (from: Tensor | null, at: number) => {
      if (from) for (let b = 0; b < B; b++) f32.set(from.data.subarray(b * U, (b + 1) * U), at + b * Up);
    };
    rows(h0, hAt);
    if (keep) for (let b = 0; b < B; b++) f32.set(keep.subarray(b * U, (b + 1) * U), keepAt + b * Up);
    /** Extra i's slot at step s (training keeps one per step; inference updates one in place). */
    const extraSlot = (i: number, s: number) => extraAt + (i * slots + (train ? s : 0)) * B * Up;
    extra.forEach((e, i) => rows(e, extraSlot(i, 0)));
    this.k.gemm(4 * xAt, 4 * this.at.w, 4 * this.at.bias[0]!, 4 * xwAt, T * B, F, G, 0);
    const scratchPointers = Array.from({ length: scratch }, (_, i) => 4 * (scratchAt + i * B * Up));
    for (let s = 0; s < T; s++) {
      const hPrev = hAt + s * B * Up;
      // Keras's mask: a masked row keeps its states through the step (h carried over, the kept extras restored).
      const t = options.goBackwards ? T - 1 - s : s;
      const masked = mask ? Array.from({ length: B }, (_, b) => b).filter((b) => mask.data[b * T + t] === 0) : [];
      // Training: each extra starts the step as a copy of the last, so the step before stays kept.
      if (train) extra.forEach((_, i) => f32.copyWithin(extraSlot(i, s + 1), extraSlot(i, s), extraSlot(i, s) + B * Up));
      const saved = masked.map((b) => extra.map((_, i) => f32.slice(extraSlot(i, s) + b * Up, extraSlot(i, s) + (b + 1) * Up)));
      const extraPointers = [...extra.map((_, i) => 4 * extraSlot(i, s + 1)), ...scratchPointers];
      const cache = train ? 4 * (cacheAt + s * B * cacheWidth) : 0;
      if (keep) for (let i = 0; i < B * Up; i++) f32[droppedAt + i] = f32[hPrev + i]! * f32[keepAt + i]!;
      const read = keep ? droppedAt : hPrev;
      step({ xw: 4 * (xwAt + s * B * G), hPrev: 4 * read, hTrue: 4 * hPrev, h: 4 * (hPrev + B * Up), extra: extraPointers, rows: B, cache });
      masked.forEach((b, k) => {
        f32.copyWithin(hPrev + B * Up + b * Up, hPrev + b * Up, hPrev + (b + 1) * Up);
        saved[k]!.forEach((v, i) => f32.set(v, extraSlot(i, s + 1) + b * Up));
      });
    }
    this.trace = train
      ? { B, T, xAt, hAt, extraAt, kept: extra.length, cacheAt, cacheWidth, end: total, ...options, mask, keep: keep && f32.slice(keepAt, keepAt + B * Up) }
      : null;
    const unpad = (at: number) => {
      const out = new Float32Array(B * U);
      for (let b = 0; b < B; b++) out.set(f32.subarray(at + b * Up, at + b * Up + U), b * U);
      return out;
    };
    const last = unpad(hAt + T * B * Up);
    let output = last;
    if (options.returnSequences) {
      output = new Float32Array(B * T * U);
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < T; s++) output.set(f32.subarray(hAt + ((s + 1) * B + b) * Up, hAt + ((s + 1) * B + b) * Up + U), (b * T + s) * U);
      }
    }
    return { output, h: last, extra: extra.map((_, i) => unpad(extraSlot(i, T))) };
  }

  /**
   * Backpropagation through time over the last training forward pass (sequence with `train`), from dOut, the
   * gradient of its output (as it returned it). For each step from the last, `stepBack` turns dh (the gradient
   * reaching h_t) into the gate gradients, dz on the input side and dzh on the recurrent side (one buffer unless
   * `o.separateRecurrent`: the GRU's differ), and may add terms of its own into dhPrev; masked rows are then zeroed
   * and carry dh and the carried gradients across the step; then dh_{t−1} += dzh_t·Uᵀ. After the last step, on every
   * step at once: dW = Xᵀ·dZ, db = 1ᵀ·dZ, dX = dZ·Wᵀ, dU = H_{t−1}ᵀ·dZh (and 1ᵀ·dZh, the recurrent bias's, when
   * separate). `o.stepScratch` floats are the step's own (p.scratch); `fixRecurrent` may then rework dU in memory.
   */
  protected backwardSequence(
    dOut: Float32Array,
    o: { carries?: number; separateRecurrent?: boolean; stepScratch?: number; postScratch?: number },
    stepBack: (p: BackPointers) => void,
    fixRecurrent?: (m: RecurrentFix) => void,
  ): CellGradients {
    const tr = this.trace;
    if (!tr) throw new Error('backwardSequence needs a training forward pass first (sequence with train)');
    const { units: U, padded: Up, features: F, gates } = this;
    const [G, Fp, carries] = [gates * Up, region(F), o.carries ?? 0];
    const { B, T } = tr;
    const TB = T * B;
    const sizes = {
      dz: TB * G,
      dzh: o.separateRecurrent ? TB * G : 0,
      dh: (T + 1) * B * Up,
      carry: carries * B * Up,
      scratch: region(o.stepScratch ?? 0),
      post: region(o.postScratch ?? 0),
      ut: G * Up,
      wt: G * Fp,
      xt: region(F * TB),
      ht: Up * TB,
      ones: region(TB),
      dw: F * G,
      du: Up * G,
      db: G,
      dbh: G,
      dx: TB * Fp,
      hRec: tr.keep ? B * Up : 0,
      dhRec: tr.keep ? B * Up : 0,
      keep: tr.keep ? B * Up : 0,
    };
    const at = {} as Record<keyof typeof sizes, number>;
    let end = tr.end;
    for (const [name, floats] of Object.entries(sizes)) {
      at[name as keyof typeof sizes] = end;
      end += floats;
    }
    const dzhAt = o.separateRecurrent ? at.dzh : at.dz;
    const f32 = this.memoryFor(end);
    f32.fill(0, tr.end, end);
    // Uᵀ [G, Up] and Wᵀ [G, Fp] (padded columns zero), the transposes the gemm needs.
    for (let p = 0; p < Up; p++) for (let g = 0; g < G; g++) f32[at.ut + g * Up + p] = f32[this.at.u + p * G + g]!;
    for (let r = 0; r < F; r++) for (let g = 0; g < G; g++) f32[at.wt + g * Fp + r] = f32[this.at.w + r * G + g]!;
    // dOut into dH: slot s + 1 is h after processing step s (the output's order).
    const dhSlot = (s: number) => at.dh + s * B * Up;
    for (let b = 0; b < B; b++) {
      if (tr.returnSequences) for (let s = 0; s < T; s++) f32.set(dOut.subarray((b * T + s) * U, (b * T + s + 1) * U), dhSlot(s + 1) + b * Up);
      else f32.set(dOut.subarray(b * U, (b + 1) * U), dhSlot(T) + b * Up);
    }
    const extraSlot = (i: number, s: number) => tr.extraAt + (i * (T + 1) + s) * B * Up;
    const carryPointers = Array.from({ length: carries }, (_, i) => 4 * (at.carry + i * B * Up));
    const rowOf = (from: number, b: number) => f32.slice(from + b * Up, from + (b + 1) * Up);
    if (tr.keep) f32.set(tr.keep, at.keep);
    for (let s = T - 1; s >= 0; s--) {
      const t = tr.goBackwards ? T - 1 - s : s;
      const masked = tr.mask ? Array.from({ length: B }, (_, b) => b).filter((b) => tr.mask!.data[b * T + t] === 0) : [];
      const saved = masked.map((b) => ({ carries: carryPointers.map((c) => rowOf(c / 4, b)), dhPrev: rowOf(dhSlot(s), b) }));
      const [dz, dzh] = [at.dz + s * B * G, dzhAt + s * B * G];
      // Recurrent dropout: the products read h_{t−1} ⊙ keep, so their gradient reaches h_{t−1} ⊙ keep.
      const hPrev = tr.hAt + s * B * Up;
      const [hRec, dhRec] = tr.keep ? [at.hRec, at.dhRec] : [hPrev, dhSlot(s)];
      if (tr.keep) {
        for (let i = 0; i < B * Up; i++) f32[at.hRec + i] = f32[hPrev + i]! * f32[at.keep + i]!;
        f32.fill(0, at.dhRec, at.dhRec + B * Up);
      }
      stepBack({
        cache: 4 * (tr.cacheAt + s * B * tr.cacheWidth),
        extraPrev: Array.from({ length: tr.kept }, (_, i) => 4 * extraSlot(i, s)),
        extra: Array.from({ length: tr.kept }, (_, i) => 4 * extraSlot(i, s + 1)),
        hPrev: 4 * hPrev,
        h: 4 * (tr.hAt + (s + 1) * B * Up),
        hRec: 4 * hRec,
        dh: 4 * dhSlot(s + 1),
        dz: 4 * dz,
        dzh: 4 * dzh,
        dhPrev: 4 * dhSlot(s),
        dhRec: 4 * dhRec,
        carry: carryPointers,
        scratch: 4 * at.scratch,
        rows: B,
      });
      // A masked row's step was the identity on its states: nothing reaches its gates, dh and dc pass through.
      masked.forEach((b, k) => {
        f32.fill(0, dz + b * G, dz + (b + 1) * G);
        f32.fill(0, dzh + b * G, dzh + (b + 1) * G);
        saved[k]!.carries.forEach((v, i) => f32.set(v, carryPointers[i]! / 4 + b * Up));
        f32.set(saved[k]!.dhPrev, dhSlot(s) + b * Up);
        if (tr.keep) f32.fill(0, dhRec + b * Up, dhRec + (b + 1) * Up);
        for (let j = 0; j < Up; j++) f32[dhSlot(s) + b * Up + j]! += f32[dhSlot(s + 1) + b * Up + j]!;
      });
      this.k.gemm(4 * dzh, 4 * at.ut, 0, 4 * dhRec, B, G, Up, 1);
      if (tr.keep) for (let i = 0; i < B * Up; i++) f32[dhSlot(s) + i]! += f32[at.dhRec + i]! * f32[at.keep + i]!;
    }
    // Xᵀ [F, TB] and H_{t−1}ᵀ [Up, TB] (⊙ keep under recurrent dropout) for the weight gradients; a ones row for the bias's.
    for (let r = 0; r < TB; r++) for (let c = 0; c < F; c++) f32[at.xt + c * TB + r] = f32[tr.xAt + r * F + c]!;
    for (let r = 0; r < TB; r++) {
      const drop = tr.keep ? at.keep + (r % B) * Up : -1;
      for (let c = 0; c < Up; c++) f32[at.ht + c * TB + r] = f32[tr.hAt + r * Up + c]! * (drop < 0 ? 1 : f32[drop + c]!);
    }
    f32.fill(1, at.ones, at.ones + TB);
    this.k.gemm(4 * at.xt, 4 * at.dz, 0, 4 * at.dw, F, TB, G, 0);
    this.k.gemm(4 * at.ht, 4 * dzhAt, 0, 4 * at.du, Up, TB, G, 0);
    this.k.gemm(4 * at.ones, 4 * at.dz, 0, 4 * at.db, 1, TB, G, 0);
    if (o.separateRecurrent) this.k.gemm(4 * at.ones, 4 * at.dzh, 0, 4 * at.dbh, 1, TB, G, 0);
    this.k.gemm(4 * at.dz, 4 * at.wt, 0, 4 * at.dx, TB, G, Fp, 0);
    fixRecurrent?.({ f32, TB, dz: at.dz, du: at.du, ht: at.ht, post: at.post, cacheAt: tr.cacheAt, cacheWidth: tr.cacheWidth, gemm: this.k.gemm });
    // Back to Keras's layouts: gate blocks unpadded, dX batch-major in input time.
    const unpad = (from: number, rows: number) => {
      const out = new Float32Array(rows * gates * U);
      for (let r = 0; r < rows; r++)
        for (let g = 0; g < gates; g++) out.set(f32.subarray(from + r * G + g * Up, from + r * G + g * Up + U), (r * gates + g) * U);
      return out;
    };
    const dX = new Float32Array(B * T * F);
    for (let s = 0; s < T; s++) {
      const t = tr.goBackwards ? T - 1 - s : s;
      for (let b = 0; b < B; b++) dX.set(f32.subarray(at.dx + (s * B + b) * Fp, at.dx + (s * B + b) * Fp + F), (b * T + t) * F);
    }
    const rows = (from: number) => {
      const out = new Float32Array(B * U);
      for (let b = 0; b < B; b++) out.set(f32.subarray(from + b * Up, from + b * Up + U), b * U);
      return out;
    };
    return {
      dX,
      dKernel: unpad(at.dw, F),
      dRecurrent: unpad(at.du, U),
      dBias: unpad(at.db, 1),
      ...(o.separateRecurrent ? { dRecurrentBias: unpad(at.dbh, 1) } : {}),
      dh0: rows(dhSlot(0)),
      carry0: carryPointers.map((c) => rows(c / 4)),
    };
  }

  /** The batch and the timesteps of the last training forward pass (0 before one). */
  protected batchOfTrace(): number {
    return this.trace?.B ?? 0;
  }

  protected stepsOfTrace(): number {
    return this.trace?.T ?? 0;
  }

  /** The module's memory as floats, grown first to hold `floats`. */
  private memoryFor(floats: number): Float32Array {
    const have = this.k.memory.buffer.byteLength;
    if (have < floats * 4) growTo(this.k.memory, floats * 4);
    return new Float32Array(this.k.memory.buffer);
  }
}
