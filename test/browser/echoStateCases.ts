/** Harness cases for the echo-state network: the functional reservoir, the spectral radius, and models read out by ridge or by gradient. */
import {
  echoStateBackward,
  echoStateForward,
  layers,
  sequential,
  spectralRadius,
  type EchoState,
  type EchoStateLayerConfig,
  type EchoStateOptions,
} from '../../src/index';
import { decode, inScope, type Encoded } from './harnessCore';

export const echoStateCases = {
  echoState(spec: {
    inputs: { x: Encoded; inputKernel: Encoded; reservoir: Encoded; bias: Encoded; initialState?: [Encoded]; mask?: Encoded };
    grads?: { dOutput: Encoded; dh?: Encoded };
    options: EchoStateOptions;
  }) {
    const i = spec.inputs;
    const inputs = {
      x: decode(i.x),
      inputKernel: decode(i.inputKernel),
      reservoir: decode(i.reservoir),
      bias: decode(i.bias),
      ...(i.initialState ? { initialState: [decode(i.initialState[0])] as const } : {}),
      ...(i.mask ? { mask: decode(i.mask) } : {}),
    };
    const g = spec.grads;
    const grads = g && { dOutput: decode(g.dOutput), ...(g.dh ? { dh: decode(g.dh) } : {}) };
    return inScope(async (r) => ({
      ...(grads ? await echoStateBackward(r, inputs, grads, spec.options) : await echoStateForward(r, inputs, spec.options)),
    }));
  },

  spectralRadius(spec: { matrix: Encoded }) {
    return inScope(async (r) => ({ radius: Float32Array.of(await spectralRadius(r, decode(spec.matrix))) }));
  },

  /**
   * EchoState → Dense(outputs): fitRidge on (x, y), then predict x. Returns every weight, the prediction, the
   * ridge's rows and loss, and the reservoir's spectral radius measured on the GPU. With `below`, a Dense(below)
   * first, trained by gradient fit afterwards (`fitEpochs`), to show the frozen reservoir passes gradients on.
   */
  esnModel(spec: {
    esn: EchoStateLayerConfig;
    outputs: number;
    x: Encoded;
    y: Encoded;
    seed: number;
    ridge?: { alpha?: number; washout?: number; batchSize?: number };
    fitEpochs?: number;
    below?: number;
  }) {
    return inScope(async (r) => {
      const model = sequential(r, { seed: spec.seed });
      const shape = decode(spec.x).shape.slice(1);
      if (spec.below) model.add(layers.dense({ units: spec.below, inputShape: shape }));
      model.add(layers.echoState({ ...spec.esn, ...(spec.below ? {} : { inputShape: shape }) }));
      model.add(layers.dense({ units: spec.outputs }));
      const esn = model.layers[spec.below ? 1 : 0] as EchoState;
      const initial = await model.getWeights();
      const out: Record<string, Float32Array> = {};
      if (spec.ridge) {
        const result = await model.fitRidge(decode(spec.x), decode(spec.y), spec.ridge);
        out.ridge = Float32Array.of(result.rows, result.loss);
      }
      if (spec.fitEpochs) {
        model.compile({ optimizer: 'adam', loss: 'mse' });
        const history = await model.fit(decode(spec.x), decode(spec.y), { epochs: spec.fitEpochs, batchSize: 8, shuffle: false });
        out.losses = Float32Array.from(history.history.loss!);
      }
      const y = await model.predict(decode(spec.x));
      const radius = await esn.spectralRadius();
      const final = await model.getWeights();
      const summary = model.summary(() => undefined);
      model.dispose();
      return {
        ...out,
        y,
        radius: Float32Array.of(radius),
        nonTrainable: Float32Array.of(Number(/Non-trainable params: ([\d,]+)/.exec(summary)![1]!.replace(/,/g, ''))),
        ...Object.fromEntries(initial.map((w, i) => [`initial${i}`, w])),
        ...Object.fromEntries(final.map((w, i) => [`w${i}`, w])),
      };
    });
  },
};
