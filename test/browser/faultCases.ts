/** Harness cases for faults: bad arguments, device loss, use after dispose. */
import { createRuntime, lstmBackward, lstmForward } from '../../src/index';
import { caught, rt } from './harnessCore';

function tinyLstm() {
  const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape });
  return { x: t([2, 3, 1]), kernel: t([1, 8]), recurrentKernel: t([2, 8]), bias: t([8]) };
}

export const faultCases = {
  /** Bad arguments must fail before any GPU buffer is made. */
  async badArguments() {
    const r = await rt();
    const before = r.stats.buffers;
    const good = tinyLstm();
    const results = [
      await caught(() => lstmForward(r, { ...good, x: { data: new Float32Array(6), shape: [2, 3] } })),
      await caught(() => lstmForward(r, { ...good, kernel: { data: new Float32Array(16), shape: [2, 8] } })),
      await caught(() => lstmForward(r, good, { activation: 'swish' as never })),
      await caught(() => lstmBackward(r, good, { dOutput: { data: new Float32Array(4), shape: [4] } })),
      await caught(() => lstmForward(r, { ...good, bias: { data: new Float32Array(8).fill(Number.POSITIVE_INFINITY), shape: [8] } })),
    ];
    return { results, buffersCreated: r.stats.buffers - before };
  },

  /** The device dies between calls, and while a readback is pending. */
  async deviceLoss() {
    const between = await createRuntime({ backend: 'webgpu' });
    between.device.destroy();
    await between.device.lost;
    const afterLoss = await caught(() => lstmForward(between, tinyLstm()));

    const pending = await createRuntime({ backend: 'webgpu' });
    const call = lstmForward(pending, tinyLstm());
    pending.device.destroy();
    const duringCall = await caught(() => call);

    const fresh = await createRuntime({ backend: 'webgpu' });
    const recovered = await lstmForward(fresh, tinyLstm());
    fresh.dispose();
    return { afterLoss, duringCall, recoveredFinite: Array.from(recovered.output.data).every(Number.isFinite) };
  },

  /** A deliberate dispose() is not a device loss: later calls say the runtime was disposed. */
  async dispose() {
    const r = await createRuntime({ backend: 'webgpu' });
    await lstmForward(r, tinyLstm());
    r.dispose();
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { afterDispose: await caught(() => lstmForward(r, tinyLstm())), buffers: r.stats.buffers };
  },
};
