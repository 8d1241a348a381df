/**
 * `npm run bench -- --profile`: times the pieces of one LSTM training step (each piece a plan replayed with one
 * submit) and reports GFLOP/s, next to the best GEMM this adapter runs. Pieces of one dispatch are repeated in
 * their plan until a run takes ~20 ms, so the ≈200 µs submit does not dominate; the per-dispatch cost (≈115 µs
 * on SwiftShader) stays in, as it does in a real step.
 */
import { createRuntime, type Runtime } from '../src/index';
import { Plan } from '../src/gpu/plan';
import { GEMM_VARIANTS, defaultGemmVariant, recordGemm, type GemmArgs } from '../src/kernels/gemm';
import { recordColumnSum } from '../src/kernels/columnSum';
import { LSTM_VARIANTS, defaultLstmVariant, lstmSizes, lstmXprojFloats, recordLstmBackward, recordLstmForward } from '../src/kernels/lstmStep';
import { LSTM_WEIGHT_GRAD_MAX_UNITS, recordLstmWeightGrad } from '../src/kernels/lstmWeightGrad';
import { recordLstmBiasGrad } from '../src/kernels/lstmStepVec4Pack';
import { unmaskedStepMask } from '../src/kernels/sequenceMask';
import { SRU_VARIANTS, defaultSruVariant, recordSruBackward, recordSruForward, sruSizes } from '../src/kernels/sruSeq';
import { GRU_VARIANTS, defaultGruVariant, gruSizes, recordGruBackward, recordGruForward } from '../src/kernels/gruStep';
import type { GruVec4Tuning } from '../src/kernels/gruStepVec4';
import type { CellDims } from '../src/kernels/cell';

export interface ProfileRow {
  shape: string;
  piece: string;
  ms: number;
  dispatches: number;
  gflops: number | null;
}

async function timePlan(rt: Runtime, build: (p: Plan) => void, runs = 5): Promise<{ ms: number; dispatches: number }> {
  const p = new Plan(rt, 'profile');
  build(p);
  p.run();
  await rt.device.queue.onSubmittedWorkDone();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    p.run();
    await rt.device.queue.onSubmittedWorkDone();
    times.push(performance.now() - t0);
  }
  p.destroy();
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)]!, dispatches: p.length };
}

/** Times one dispatch-recording `record`, repeated in its plan so a run lasts ≥ ~20 ms; ms per repetition. */
async function timeRepeated(rt: Runtime, record: (p: Plan) => void): Promise<{ ms: number; dispatches: number }> {
  const once = await timePlan(rt, record, 3);
  const reps = Math.max(1, Math.min(50, Math.ceil(20 / Math.max(once.ms, 0.05))));
  if (reps === 1) return once;
  const many = await timePlan(rt, (p) => {
    for (let r = 0; r < reps; r++) record(p);
  });
  return { ms: many.ms / reps, dispatches: many.dispatches / reps };
}

/**
 * Times several ways of recording the same work, run by run in turn (A, B, A, B, ...) so that load from
 * other processes hits every variant alike; ms per repetition, median of `rounds`.
 */
async function compare(rt: Runtime, variants: Record<string, (p: Plan) => void>, rounds = 5): Promise<Record<string, { ms: number; dispatches: number }>> {
  const names = Object.keys(variants);
  const plans: Record<string, { plan: Plan; reps: number }> = {};
  for (const name of names) {
    const once = await timePlan(rt, variants[name]!, 1);
    const reps = Math.max(1, Math.min(50, Math.ceil(20 / Math.max(once.ms, 0.05))));
    const plan = new Plan(rt, `profile ${name}`);
    for (let r = 0; r < reps; r++) variants[name]!(plan);
    plan.run();
    await rt.device.queue.onSubmittedWorkDone();
    plans[name] = { plan, reps };
  }
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < rounds; i++) {
    for (const name of names) {
      const { plan } = plans[name]!;
      const t0 = performance.now();
      plan.run();
      await rt.device.queue.onSubmittedWorkDone();
      times[name]!.push(performance.now() - t0);
    }
  }
  const out: Record<string, { ms: number; dispatches: number }> = {};
  for (const name of names) {
    const { plan, reps } = plans[name]!;
    const sorted = times[name]!.sort((a, b) => a - b);
    out[name] = { ms: sorted[Math.floor(rounds / 2)]! / reps, dispatches: plan.length / reps };
    plan.destroy();
  }
  return out;
}

/** gemmVec4.wgsl's block shapes besides the default ('vec4'), for side-by-side runs. */
const GEMM_VEC4_BLOCKS = (g: GemmArgs): Record<string, (p: Plan) => void> => ({
  'vec4 8x4 wg8x8': (p) => recordGemm(p, { ...g, variant: 'vec4', vec4Cols: 4, vec4Side: 8 }),
  'vec4 8x8 wg8x8': (p) => recordGemm(p, { ...g, variant: 'vec4', vec4Cols: 8, vec4Side: 8 }),
  'vec4 8x8 wg4x4': (p) => recordGemm(p, { ...g, variant: 'vec4', vec4Cols: 8, vec4Side: 4 }),
});

function filler(rt: Runtime, label: string, n: number): GPUBuffer {
  return rt.upload(
    label,
    Float32Array.from({ length: Math.max(1, n) }, (_, i) => Math.sin(i * 0.37) * 0.1),
  );
}

const gemmFlops = (g: { m: number; n: number; k: number }) => 2 * g.m * g.n * g.k;

async function lstmPieces(rt: Runtime, shape: string, dims: CellDims, activation: 'relu' | 'tanh', variants: boolean): Promise<ProfileRow[]> {
  const s = lstmSizes(dims);
  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const made: GPUBuffer[] = [];
  const f = (label: string, n: number) => {
    const b = filler(rt, label, n);
    made.push(b);
    return b;
  };
  const fwd = {
    x: f('x', s.x),
    kernel: f('kernel', s.kernel),
    recurrentKernel: f('U', s.recurrentKernel),
    bias: f('bias', s.bias),
    xproj: f('xproj', s.gates),
    h: f('h', s.states),
    c: f('c', s.states),
    gates: f('gates', s.gates),
    scratch: f('scratch', s.scratch),
    mask: unmaskedStepMask(f('mask spare', 4), f('dh carry spare', 4)),
  };
  const back = {
    dy: f('dy', s.state),
    dhLast: f('dhLast', s.state),
    dc: f('dc', s.state),
    dgates: f('dgates', s.gates),
    dx: f('dx', s.x),
    dKernel: f('dK', s.kernel),
    dRecurrentKernel: f('dU', s.recurrentKernel),
    dBias: f('db', s.bias),
    dh0: f('dh0', s.state),
  };
  const acts = { activation, recurrentActivation: 'sigmoid' as const };
  const rows: ProfileRow[] = [];
  const add = (piece: string, t: { ms: number; dispatches: number }, flops: number | null) =>
    rows.push({ shape, piece, ms: t.ms, dispatches: t.dispatches, gflops: flops === null ? null : flops / (t.ms * 1e6) });
  const R = T * B;
  const recurrentFlops = T * 2 * B * U * 4 * U;
  const inputGemm: GemmArgs = { a: fwd.x, b: fwd.kernel, bias: fwd.bias, c: fwd.xproj, m: R, n: 4 * U, k: F };
  const gemms: [string, GemmArgs][] = [
    [`input GEMM X·W ${R}x${4 * U}x${F}${lstmXprojFloats(dims, defaultLstmVariant(dims, rt.adapter)) < s.gates ? ' (default: fused)' : ''}`, inputGemm],
    [`dU = Hᵀ·dG ${U}x${4 * U}x${R} transA`, { a: fwd.h, b: back.dgates, c: back.dRecurrentKernel, m: U, n: 4 * U, k: R, transA: true }],
    [`dW = Xᵀ·dG ${F}x${4 * U}x${R} transA`, { a: fwd.x, b: back.dgates, c: back.dKernel, m: F, n: 4 * U, k: R, transA: true }],
    [`dX = dG·Wᵀ ${R}x${F}x${4 * U} transB`, { a: back.dgates, b: fwd.kernel, c: back.dx, m: R, n: F, k: 4 * U, transB: true }],
    [`dh0 = dG₀·Uᵀ ${B}x${U}x${4 * U} transB`, { a: back.dgates, b: fwd.recurrentKernel, c: back.dh0, m: B, n: U, k: 4 * U, transB: true }],
  ];
  // What recordLstmBackward records after its loop, to subtract from a backward pass: the plain 'step' kernel's
  // GEMMs and column sum, or (vec4, seq) dh0 and dX and then, up to LSTM_WEIGHT_GRAD_MAX_UNITS units, dU, dW and
  // db in one lstmWeightGrad dispatch.
  const weightGrad = {
    h: fwd.h,
    hOffset: 0,
    x: fwd.x,
    dgates: back.dgates,
    dKernel: back.dKernel,
    dRecurrentKernel: back.dRecurrentKernel,
    dBias: back.dBias,
    rows: R,
    units: U,
    features: F,
  };
  const plainGemms = (p: Plan) => {
    for (const [, g] of gemms.slice(1)) recordGemm(p, g);
    recordColumnSum(p, back.dgates, back.dBias, R, 4 * U);
  };
  const interleavedGemms = (p: Plan) => {
    if (U > LSTM_WEIGHT_GRAD_MAX_UNITS) return plainGemms(p);
    for (const [, g] of gemms.slice(3)) recordGemm(p, g);
    recordLstmWeightGrad(p, weightGrad);
  };
  const lstmVariants = variants ? LSTM_VARIANTS : [defaultLstmVariant(dims, rt.adapter)];
  // Every variant in one comparison, run by run in turn, so that load from other processes hits them alike.
  const t = await compare(
    rt,
    {
      input: (p) => recordGemm(p, inputGemm),
      gemms: plainGemms,
      interleavedGemms,
      ...Object.fromEntries(
        lstmVariants.flatMap((v) => [
          [`forward ${v}`, (p: Plan) => recordLstmForward(p, fwd, dims, acts, v)],
          [`backward ${v}`, (p: Plan) => recordLstmBackward(p, { ...fwd, ...back }, dims, acts, false, v)],
        ]),
      ),
    },
    3,
  );
  for (const v of lstmVariants) {
    const fw = t[`forward ${v}`]!;
    const bw = t[`backward ${v}`]!;
    add(`forward: input GEMM + recurrence [${v}]`, fw, recurrentFlops + gemmFlops(inputGemm));
    // The interleaved variants fold x·W + b into the step for few features: no input GEMM to subtract then.
    const fused = lstmXprojFloats(dims, v) < s.gates;
    if (fused) add(`  recurrence, x·W + b fused in (no input GEMM) [${v}]`, fw, recurrentFlops + gemmFlops(inputGemm));
    else add(`  recurrence alone (forward − input GEMM) [${v}]`, { ms: fw.ms - t.input!.ms, dispatches: fw.dispatches - 1 }, recurrentFlops);
    add(`backward: recurrence + weight and input gradients [${v}]`, bw, 2 * recurrentFlops + gemms.slice(1).reduce((sum, [, g]) => sum + gemmFlops(g), 0));
    const after = v === 'step' ? t.gemms! : t.interleavedGemms!;
    add(
      `  recurrence alone (backward − its GEMMs and weight-gradient passes) [${v}]`,
      { ms: bw.ms - after.ms, dispatches: bw.dispatches - after.dispatches },
      recurrentFlops,
    );
  }
  for (const [name, g] of gemms) {
    const gemmVariants = variants ? GEMM_VARIANTS : [defaultGemmVariant(g)];
    const t = await compare(rt, {
      ...Object.fromEntries(gemmVariants.map((v) => [v, (p: Plan) => recordGemm(p, { ...g, variant: v })])),
      ...(variants ? { ...GEMM_VEC4_BLOCKS(g) } : {}),
    });
    for (const v of Object.keys(t)) add(`  ${name} [${v}]`, t[v]!, gemmFlops(g));
  }
  const cs = await timeRepeated(rt, (p) => recordColumnSum(p, back.dgates, back.dBias, R, 4 * U));
  add(`  column sum ${R}x${4 * U}`, cs, null);
  if (U <= LSTM_WEIGHT_GRAD_MAX_UNITS)
    add(`  dU, dW, db in one pass (lstmWeightGrad) ${R} rows`, await timeRepeated(rt, (p) => recordLstmWeightGrad(p, weightGrad)), 2 * R * (U + F + 1) * 4 * U);
  for (const b of made) rt.destroyBuffer(b);
  return rows;
}

/** Filled buffers for a GRU layer's forward and backward passes with `variant`'s sizes. */
function gruBuffers(f: (label: string, n: number) => GPUBuffer, dims: CellDims, resetAfter: boolean, variant: (typeof GRU_VARIANTS)[number]) {
  const s = gruSizes(dims, resetAfter, variant);
  const fwd = {
    x: f('x', s.x),
    kernel: f('kernel', s.kernel),
    recurrentKernel: f('U', s.recurrentKernel),
    bias: f('bias', s.biasRow),
    ...(resetAfter ? { recurrentBias: f('recurrent bias', s.biasRow) } : { hcat: f('hcat', s.hcat) }),
    xproj: f('xproj', s.xproj),
    h: f('h', s.states),
    gates: f('gates', s.gates),
    scratch: f('scratch', s.scratch),
    mask: unmaskedStepMask(f('mask spare', 4), f('dh carry spare', 4)),
  };
  const back = {
    dy: f('dy', s.state),
    dhLast: f('dhLast', s.state),
    carry: f('carry', s.state),
    dgx: f('dgx', s.dgx),
    dgh: f('dgh', s.dgh),
    dx: f('dx', s.x),
    dKernel: f('dK', s.kernel),
    dRecurrentKernel: f('dU', s.recurrentKernel),
    dBias: f('db', s.biasRow),
    ...(resetAfter ? { dRecurrentBias: f('db rec', s.biasRow) } : {}),
    dh0: f('dh0', s.state),
  };
  return { fwd, back };
}

/**
 * An SRU layer's passes (`--sections=sru`), piece by piece: the input GEMM, the one-dispatch recurrence each way,
 * and the backward pass's GEMM and sums. Its recurrence is element-wise, so what it costs is what the GEMMs and
 * the dispatches around it cost.
 */
async function sruPieces(rt: Runtime, shape: string, dims: CellDims): Promise<ProfileRow[]> {
  const made: GPUBuffer[] = [];
  const f = (label: string, n: number) => {
    const b = filler(rt, label, n);
    made.push(b);
    return b;
  };
  const o = { activation: 'tanh' as const, goBackwards: false };
  const rows: ProfileRow[] = [];
  try {
    for (const variant of SRU_VARIANTS.filter((v) => v !== 'single' || dims.features === 1)) {
      const s = sruSizes(dims, variant);
      const fwd = {
        x: f('x', dims.timesteps * dims.batch * dims.features),
        kernel: f('kernel', s.kernel),
        recurrentWeights: f('v', s.recurrentWeights),
        bias: f('bias', s.bias),
        xproj: f('xproj', s.projections),
        weights: f('weights', s.weights),
        h: f('h', (dims.timesteps + 1) * s.state),
        c: f('c', (dims.timesteps + 1) * s.state),
        mask: unmaskedStepMask(f('mask spare', 4), f('carry spare', 4)),
      };
      const back = {
        ...fwd,
        dy: f('dy', s.state),
        dhLast: f('dh', s.state),
        dcLast: f('dc', s.state),
        dproj: f('dproj', s.dproj),
        dSmall: f('d small', s.dSmall),
        paramSums: f('sums', s.partialWidth),
        dx: null,
        dKernel: f('dK', s.kernel),
        dRecurrentWeights: f('dv', s.recurrentWeights),
        dBias: f('db', s.bias),
        dh0: f('dh0', s.state),
        dc0: f('dc0', s.state),
      };
      const tag = `${variant}${variant === defaultSruVariant(dims) ? ', default' : ''}`;
      const pieces: [string, (p: Plan) => void][] = [
        [`forward [${tag}]`, (p) => recordSruForward(p, fwd, dims, o, variant)],
        [`backward, no dX [${tag}]`, (p) => recordSruBackward(p, back, dims, o, false, variant)],
      ];
      for (const [piece, record] of pieces) {
        const t = await timeRepeated(rt, record);
        rows.push({ shape, piece, ms: t.ms, dispatches: t.dispatches, gflops: null });
      }
    }
  } finally {
    for (const b of made) rt.destroyBuffer(b);
  }
  return rows;
}

/**
 * A GRU layer's forward pass (input GEMM or fused x·W + b, and the recurrence) and backward pass (recurrence,
 * weight GEMMs, bias sums), each kernel variant's plans run alternately in one comparison.
 */
async function gruPieces(
  rt: Runtime,
  shape: string,
  dims: CellDims,
  activation: 'relu' | 'tanh',
  resetAfter: boolean,
  variants: boolean,
): Promise<ProfileRow[]> {
  const { batch: B, timesteps: T, features: F, units: U } = dims;
  const made: GPUBuffer[] = [];
  const f = (label: string, n: number) => {
    const b = filler(rt, label, n);
    made.push(b);
    return b;
  };
  const o = { activation, recurrentActivation: 'sigmoid' as const, resetAfter, goBackwards: false };
  const gruVariants = variants ? GRU_VARIANTS : [defaultGruVariant(dims, rt.adapter, resetAfter)];
  const plans = gruVariants.flatMap((v) => {
    const { fwd, back } = gruBuffers(f, dims, resetAfter, v);
    return [
      [`forward ${v}`, (p: Plan) => recordGruForward(p, fwd, dims, o, v)],
      [`backward ${v}`, (p: Plan) => recordGruBackward(p, { ...fwd, ...back }, dims, o, false, v)],
    ] as const;
  });
  const t = await compare(rt, Object.fromEntries(plans), 3);
  const recurrentFlops = T * 2 * B * U * 3 * U;
  const inputFlops = 2 * T * B * F * 3 * U;
  const rows: ProfileRow[] = [];
  for (const v of gruVariants) {
    const fw = t[`forward ${v}`]!;
    const bw = t[`backward ${v}`]!;
    rows.push({
      shape,
      piece: `forward: input projection + recurrence [${v}]`,
      ms: fw.ms,
      dispatches: fw.dispatches,
      gflops: (recurrentFlops + inputFlops) / (fw.ms * 1e6),
    });
    rows.push({
      shape,
      piece: `backward: recurrence + weight GEMMs + bias sums [${v}]`,
      ms: bw.ms,
      dispatches: bw.dispatches,
      gflops: (2 * recurrentFlops + 2 * inputFlops) / (bw.ms * 1e6),
    });
  }
  for (const b of made) rt.destroyBuffer(b);
  return rows;
}

/**
 * The vec4 GRU's block shapes and post-loop paths (GruKernelOptions.tuning, src/kernels/gruStepVec4.ts) against its
 * defaults, all alternating in one comparison: whole forward and backward passes, median ms of 11 runs.
 */
async function gruBlocks(rt: Runtime, shape: string, dims: CellDims, resetAfter: boolean): Promise<ProfileRow[]> {
  const made: GPUBuffer[] = [];
  const f = (label: string, n: number) => {
    const b = filler(rt, label, n);
    made.push(b);
    return b;
  };
  const o = { activation: 'relu' as const, recurrentActivation: 'sigmoid' as const, resetAfter, goBackwards: false };
  const { fwd, back } = gruBuffers(f, dims, resetAfter, 'vec4');
  const tunings: [string, GruVec4Tuning][] = [
    ['default', {}],
    ['steps 4x4 @ 16', { rows: 4, wg: 16 }],
    ['steps 8x4 @ 16', { rows: 8, wg: 16 }],
    ['GEMMs after the loop', { gemm: true }],
    ['weight_grad 4x4 @ 16', { wgRows: 4, wgWg: 16 }],
  ];
  const plans: Record<string, (p: Plan) => void> = {};
  for (const [name, t] of tunings) {
    plans[`forward ${name}`] = (p) => recordGruForward(p, fwd, dims, { ...o, tuning: t }, 'vec4');
    plans[`backward ${name}`] = (p) => recordGruBackward(p, { ...fwd, ...back }, dims, { ...o, tuning: t }, false, 'vec4');
  }
  const t = await compare(rt, plans, 11);
  for (const b of made) rt.destroyBuffer(b);
  return Object.entries(t).map(([piece, v]) => ({ shape, piece, ms: v.ms, dispatches: v.dispatches, gflops: null }));
}

/** The best GEMM this adapter runs: square and LSTM-shaped products, every variant of recordGemm. */
async function bestGemm(rt: Runtime): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  // On a real GPU 512³ takes tens of µs, launch-bound: the yardstick there needs bigger products.
  const shapes: [number, number, number][] = [
    [256, 256, 256],
    [512, 512, 512],
    [64, 1024, 256],
  ];
  if (!rt.adapter.isFallback) shapes.push([2048, 2048, 2048], [4096, 4096, 4096]);
  for (const [m, n, k] of shapes) {
    const a = filler(rt, 'a', m * k);
    const b = filler(rt, 'b', k * n);
    const c = rt.createBuffer('c', m * n * 4);
    const g: GemmArgs = { a, b, c, m, n, k };
    const t = await compare(rt, {
      ...Object.fromEntries(GEMM_VARIANTS.map((v) => [v, (p: Plan) => recordGemm(p, { ...g, variant: v })])),
      ...GEMM_VEC4_BLOCKS(g),
    });
    for (const v of Object.keys(t))
      rows.push({ shape: 'best GEMM', piece: `${m}x${n}x${k} [${v}]`, ms: t[v]!.ms, dispatches: t[v]!.dispatches, gflops: gemmFlops(g) / (t[v]!.ms * 1e6) });
    for (const buf of [a, b, c]) rt.destroyBuffer(buf);
  }
  return rows;
}

/**
 * The weight gradients of an LSTM backward pass with interleaved dG (`--sections=weightgrad`): the two GEMMs and
 * the bias column sum against shaders/lstmWeightGrad.wgsl's one dispatch, per block width and workgroup size.
 */
async function weightGradPieces(rt: Runtime): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  const shapes: [number, number, number, number][] = [
    [32, 60, 1, 50],
    [64, 20, 8, 128],
    [8, 4, 32, 256],
    [64, 20, 32, 256],
  ];
  for (const [B, T, F, U] of shapes) {
    const R = T * B;
    const made: GPUBuffer[] = [];
    const f = (label: string, n: number) => {
      const b = filler(rt, label, n);
      made.push(b);
      return b;
    };
    const h = f('h', (T + 1) * B * U);
    const x = f('x', R * F);
    const dg = f('dg', R * 4 * U);
    const dW = f('dW', F * 4 * U);
    const dU = f('dU', U * 4 * U);
    const db = f('db', 4 * U);
    const args = { h, hOffset: 0, x, dgates: dg, dKernel: dW, dRecurrentKernel: dU, dBias: db, rows: R, units: U, features: F };
    const t = await compare(
      rt,
      {
        'gemms 8x4 + bias_grad': (p) => {
          recordGemm(p, { a: x, b: dg, c: dW, m: F, n: 4 * U, k: R, transA: true, permuteUnits: U, vec4Cols: 4 });
          recordGemm(p, { a: h, b: dg, c: dU, m: U, n: 4 * U, k: R, transA: true, permuteUnits: U, vec4Cols: 4 });
          recordLstmBiasGrad(p, dg, db, R, U);
        },
        'gemms + bias_grad': (p) => {
          recordGemm(p, { a: x, b: dg, c: dW, m: F, n: 4 * U, k: R, transA: true, permuteUnits: U });
          recordGemm(p, { a: h, b: dg, c: dU, m: U, n: 4 * U, k: R, transA: true, permuteUnits: U });
          recordLstmBiasGrad(p, dg, db, R, U);
        },
        ...Object.fromEntries((['8x4', '4x4'] as const).map((block) => [`fused ${block}`, (p: Plan) => recordLstmWeightGrad(p, { ...args, block })])),
      },
      9,
    );
    const flops = 2 * R * (U + F + 1) * 4 * U;
    for (const [name, v] of Object.entries(t))
      rows.push({ shape: `weight grads B${B} T${T} F${F} U${U}`, piece: name, ms: v.ms, dispatches: v.dispatches, gflops: flops / (v.ms * 1e6) });
    for (const b of made) rt.destroyBuffer(b);
  }
  return rows;
}

/**
 * Forward and backward passes of every LSTM variant over a grid of shapes, to choose defaultLstmVariant's rule
 * on a new kind of adapter (`--sections=grid`; minutes on SwiftShader, seconds on a GPU).
 */
async function variantGrid(rt: Runtime): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  const grid: [number, number, number, number][] = [
    [32, 60, 1, 50],
    [64, 50, 16, 64],
    [32, 60, 8, 128],
    [128, 30, 8, 128],
    [8, 20, 32, 256],
    [64, 100, 32, 256],
    [16, 40, 32, 512],
    [4, 10, 4, 32],
    [1, 20, 8, 64],
  ];
  for (const [batch, timesteps, features, units] of grid) {
    const dims = { batch, timesteps, features, units };
    const s = lstmSizes(dims);
    const made: GPUBuffer[] = [];
    const buf = (label: string, floats: number) => {
      const b = filler(rt, label, floats);
      made.push(b);
      return b;
    };
    const fwd = {
      x: buf('x', s.x),
      kernel: buf('W', s.kernel),
      recurrentKernel: buf('U', s.recurrentKernel),
      bias: buf('b', s.bias),
      xproj: buf('xproj', s.gates),
      h: buf('h', s.states),
      c: buf('c', s.states),
      gates: buf('gates', s.gates),
      scratch: buf('scratch', s.scratch),
      mask: unmaskedStepMask(buf('mask spare', 4), buf('dh carry spare', 4)),
    };
    const back = {
      dy: buf('dy', s.state),
      dhLast: buf('dhLast', s.state),
      dc: buf('dc', s.state),
      dgates: buf('dgates', s.gates),
      dKernel: buf('dW', s.kernel),
      dRecurrentKernel: buf('dU', s.recurrentKernel),
      dBias: buf('db', s.bias),
      dh0: buf('dh0', s.state),
      dx: null,
    };
    const acts = { activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const };
    const t = await compare(
      rt,
      Object.fromEntries(
        LSTM_VARIANTS.flatMap((v) => [
          [`forward ${v}`, (p: Plan) => recordLstmForward(p, fwd, dims, acts, v)],
          [`backward ${v}`, (p: Plan) => recordLstmBackward(p, { ...fwd, ...back }, dims, acts, false, v)],
        ]),
      ),
      3,
    );
    const shape = `grid B${batch} T${timesteps} F${features} U${units} (default ${defaultLstmVariant(dims, rt.adapter)})`;
    for (const v of LSTM_VARIANTS) {
      for (const pass of ['forward', 'backward'])
        rows.push({ shape, piece: `${pass} [${v}]`, ms: t[`${pass} ${v}`]!.ms, dispatches: t[`${pass} ${v}`]!.dispatches, gflops: null });
    }
    for (const b of made) rt.destroyBuffer(b);
  }
  return rows;
}

/**
 * `sections`: any of gemm, tutorial, large, grid (default all but grid). `variants: false` times only the variants webrnn uses
 * by default (the full bench); otherwise every GEMM and LSTM variant runs side by side (choosing defaults).
 */
export async function profile(options: { sections?: string[]; variants?: boolean } = {}): Promise<{ rows: ProfileRow[]; adapter: unknown }> {
  const rt = await createRuntime({ backend: 'webgpu' });
  const want = (s: string) => !options.sections || options.sections.includes(s);
  try {
    const rows: ProfileRow[] = [];
    if (want('gemm')) rows.push(...(await bestGemm(rt)));
    const variants = options.variants ?? true;
    if (want('tutorial'))
      rows.push(...(await lstmPieces(rt, 'tutorial B32 T60 F1 U50 relu', { batch: 32, timesteps: 60, features: 1, units: 50 }, 'relu', variants)));
    if (options.sections?.includes('weightgrad')) rows.push(...(await weightGradPieces(rt)));
    if (options.sections?.includes('grid')) rows.push(...(await variantGrid(rt)));
    if (want('large'))
      rows.push(...(await lstmPieces(rt, 'large B64 T100 F32 U256 tanh', { batch: 64, timesteps: 100, features: 32, units: 256 }, 'tanh', variants)));
    if (options.sections?.includes('sru')) {
      rows.push(...(await sruPieces(rt, 'sru B32 T60 F1 U50 tanh', { batch: 32, timesteps: 60, features: 1, units: 50 })));
      rows.push(...(await sruPieces(rt, 'sru B64 T100 F32 U256 tanh', { batch: 64, timesteps: 100, features: 32, units: 256 })));
    }
    // 'gru': the benchmark's GRU (reset_after false, as TF.js) and the same shape with reset_after; 'gru-shapes':
    // larger layers and the shapes that place defaultGruVariant's boundary (small batch·steps).
    const tutorialGru = { batch: 32, timesteps: 60, features: 1, units: 50 };
    if (want('gru')) {
      rows.push(...(await gruPieces(rt, 'gru B32 T60 F1 U50 relu before', tutorialGru, 'relu', false, variants)));
      rows.push(...(await gruPieces(rt, 'gru B32 T60 F1 U50 relu after', tutorialGru, 'relu', true, variants)));
    }
    // 'gru-blocks' (only when named): the vec4 GRU's block shapes and post-loop paths, src/kernels/gruStepVec4.ts
    if (options.sections?.includes('gru-blocks')) {
      rows.push(...(await gruBlocks(rt, 'gru vec4 B32 T60 F1 U50 relu before', tutorialGru, false)));
      rows.push(...(await gruBlocks(rt, 'gru vec4 B32 T60 F1 U50 relu after', tutorialGru, true)));
    }
    if (want('gru-shapes')) {
      const shapes: [string, CellDims, 'relu' | 'tanh', boolean][] = [
        ['gru B64 T20 F32 U128 tanh after', { batch: 64, timesteps: 20, features: 32, units: 128 }, 'tanh', true],
        ['gru B64 T20 F64 U128 tanh before', { batch: 64, timesteps: 20, features: 64, units: 128 }, 'tanh', false],
        ['gru B8 T4 F32 U256 tanh after', { batch: 8, timesteps: 4, features: 32, units: 256 }, 'tanh', true],
        ['gru B4 T8 F32 U256 tanh before', { batch: 4, timesteps: 8, features: 32, units: 256 }, 'tanh', false],
        ['gru B2 T16 F32 U256 tanh after', { batch: 2, timesteps: 16, features: 32, units: 256 }, 'tanh', true],
        ['gru B1 T60 F1 U50 relu before', { batch: 1, timesteps: 60, features: 1, units: 50 }, 'relu', false],
        ['gru B16 T2 F32 U256 tanh after', { batch: 16, timesteps: 2, features: 32, units: 256 }, 'tanh', true],
        ['gru B4 T2 F32 U256 tanh before', { batch: 4, timesteps: 2, features: 32, units: 256 }, 'tanh', false],
        ['gru B1 T1 F32 U256 tanh after', { batch: 1, timesteps: 1, features: 32, units: 256 }, 'tanh', true],
      ];
      for (const [shape, dims, activation, resetAfter] of shapes) rows.push(...(await gruPieces(rt, shape, dims, activation, resetAfter, variants)));
    }
    return { rows, adapter: rt.adapter };
  } finally {
    rt.dispose();
  }
}

(window as unknown as { profile: typeof profile }).profile = profile;
