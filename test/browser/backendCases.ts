/**
 * Harness cases for the wasm backend in the page: the same model on the page's WebGPU runtime and on a wasm
 * runtime, and createRuntime() with WebGPU switched off (navigator.gpu hidden, as in a browser without it).
 */
import { createRuntime, layers, sequential, type Runtime, type Sequential } from '../../src/index';
import { encode, rt } from './harnessCore';

/** The stack both backends run: every layer kind the wasm backend has. */
function build(r: Runtime, stateful: boolean): Sequential {
  const m = sequential(r, { seed: 21 });
  const first = stateful ? { stateful: true, batchInputShape: [2, 1, 3] } : { inputShape: [9, 3] };
  m.add(layers.lstm({ units: 10, returnSequences: true, ...first }));
  m.add(layers.dropout({ rate: 0.3 }));
  m.add(layers.gru({ units: 7, returnSequences: true, resetAfter: false, ...(stateful ? { stateful: true } : {}) }));
  m.add(layers.simpleRNN({ units: 6, activation: 'relu', ...(stateful ? { stateful: true } : {}) }));
  m.add(layers.dense({ units: 4, activation: 'softmax' }));
  return m;
}

export const backendCases = {
  /** Predictions and a 5-step stream on both backends, from the WebGPU model's weights. */
  async wasmAgainstWebGpu() {
    const wasm = await createRuntime({ backend: 'wasm' });
    const gpu = await rt();
    const x = { data: Float32Array.from({ length: 5 * 9 * 3 }, (_, i) => Math.sin(i * 0.37)), shape: [5, 9, 3] };
    const out: Record<string, string> = {};
    for (const stateful of [false, true]) {
      const [a, b] = [build(gpu, stateful), build(wasm, stateful)];
      b.setWeights(await a.getWeights());
      if (stateful) {
        for (let t = 0; t < 5; t++) {
          const step = { data: Float32Array.from({ length: 6 }, (_, i) => Math.cos(t + i)), shape: [2, 3] };
          out[`gpuStep${t}`] = encode((await a.predictStep(step)).data);
          out[`wasmStep${t}`] = encode((await b.predictStep(step)).data);
        }
      } else {
        out.gpu = encode((await a.predict(x)).data);
        out.wasm = encode((await b.predict(x)).data);
      }
      a.dispose();
      b.dispose();
    }
    wasm.dispose();
    return { outputs: out, backend: wasm.backend };
  },

  /** createRuntime() where the page has no navigator.gpu, and what the runtime then does. */
  async withoutWebGpu() {
    Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    try {
      const r = await createRuntime();
      const m = sequential(r, { seed: 3 });
      m.add(layers.lstm({ units: 4, inputShape: [3, 2] }));
      m.add(layers.dense({ units: 1 }));
      const y = await m.predict({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [1, 3, 2] });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const fit = await m.fit({ data: new Float32Array(6), shape: [1, 3, 2] }, { data: new Float32Array(1), shape: [1, 1] }).then(
        () => null,
        (e: Error) => ({ name: e.name, message: e.message }),
      );
      r.dispose();
      return { backend: r.backend, finite: Number.isFinite(y.data[0]), fit };
    } finally {
      delete (navigator as { gpu?: unknown }).gpu; // the prototype's getter answers again
    }
  },
};
