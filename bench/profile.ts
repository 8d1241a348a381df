/** Ad-hoc: time the pieces of one LSTM training step (tutorial shape) to see where the time goes. */
import { createRuntime } from '../src/index';
import { Plan } from '../src/gpu/plan';
import { recordGemm } from '../src/kernels/gemm';
import { recordColumnSum } from '../src/kernels/columnSum';
import { lstmSizes, recordLstmBackward, recordLstmForward } from '../src/kernels/lstmStep';

(window as unknown as { profile: () => Promise<unknown> }).profile = async () => {
  const rt = await createRuntime();
  const dims = { batch: 32, timesteps: 60, features: 1, units: 50 };
  const s = lstmSizes(dims);
  const f = (n: number) => rt.upload('x', Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1));
  const fwd = { x: f(s.x), kernel: f(s.kernel), recurrentKernel: f(s.recurrentKernel), bias: f(s.bias), xproj: f(s.gates), h: f(s.states), c: f(s.states), gates: f(s.gates) };
  const back = { dy: f(s.state), dhLast: f(s.state), dc: f(s.state), dgates: f(s.gates), dx: f(s.x), dKernel: f(s.kernel), dRecurrentKernel: f(s.recurrentKernel), dBias: f(s.bias), dh0: f(s.state) };
  const acts = { activation: 'relu' as const, recurrentActivation: 'sigmoid' as const };
  const time = async (name: string, build: (p: Plan) => void) => {
    const p = new Plan(rt, name);
    build(p);
    p.run();
    await rt.device.queue.onSubmittedWorkDone();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      p.run();
      await rt.device.queue.onSubmittedWorkDone();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return `${name}: ${times[2]!.toFixed(1)} ms (${p.length} dispatches)`;
  };
  const rows = 60 * 32;
  const out = [
    await time('forward (gemm + 60 steps)', (p) => recordLstmForward(p, fwd, dims, acts)),
    await time('backward total', (p) => recordLstmBackward(p, { ...fwd, ...back }, dims, acts, false)),
    await time('dU gemm 50x200x1920 transA', (p) => recordGemm(p, { a: fwd.h, b: back.dgates, c: back.dRecurrentKernel, m: 50, n: 200, k: rows, transA: true })),
    await time('dW gemm 1x200x1920 transA', (p) => recordGemm(p, { a: fwd.x, b: back.dgates, c: back.dKernel, m: 1, n: 200, k: rows, transA: true })),
    await time('dX gemm 1920x1x200 transB', (p) => recordGemm(p, { a: back.dgates, b: fwd.kernel, c: back.dx, m: rows, n: 1, k: 200, transB: true })),
    await time('columnSum 1920x200', (p) => recordColumnSum(p, back.dgates, back.dBias, rows, 200)),
    await time('input gemm 1920x200x1', (p) => recordGemm(p, { a: fwd.x, b: fwd.kernel, bias: fwd.bias, c: fwd.xproj, m: rows, n: 200, k: 1 })),
  ];
  rt.dispose();
  return out;
};
