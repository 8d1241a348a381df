/**
 * Harness cases for save/load and interop: load artifacts (from TF.js, Keras-form or webrnn) and predict; build a
 * model from a plain spec, set or keep its weights, predict and save; continue training after a save/load with
 * the optimizer state. Artifacts cross the page boundary with weightData as base64.
 */
import {
  layers,
  loadLayersModel,
  memorySink,
  optimizers,
  sequential,
  type Functional,
  type Layer,
  type ModelArtifacts,
  type Sequential,
  type Tensor,
} from '../../src/index';
import { decode, encode, inScope, rt, type CaseResult, type Encoded } from './harnessCore';

/** Layer spec as JSON: `layers[kind](config)`; a bidirectional one wraps `inner`. */
export interface InteropLayerSpec {
  kind:
    | 'lstm'
    | 'gru'
    | 'simpleRNN'
    | 'sru'
    | 'dense'
    | 'embedding'
    | 'bidirectional'
    | 'dropout'
    | 'spatialDropout1d'
    | 'repeatVector'
    | 'globalAveragePooling1d'
    | 'globalMaxPooling1d'
    | 'masking'
    | 'timeDistributed';
  config: Record<string, unknown>;
  inner?: InteropLayerSpec;
}

/** ModelArtifacts with weightData as base64 of its bytes. */
export type EncodedArtifacts = Omit<ModelArtifacts, 'weightData'> & { weightData: string };

function buildLayer(spec: InteropLayerSpec): Layer {
  if (spec.kind === 'bidirectional') return layers.bidirectional({ ...spec.config, layer: buildLayer(spec.inner!) as never });
  if (spec.kind === 'timeDistributed') return layers.timeDistributed({ ...spec.config, layer: buildLayer(spec.inner!) as never });
  return (layers[spec.kind] as (c: unknown) => Layer)(spec.config);
}

export function buildModel(r: Parameters<Parameters<typeof inScope>[0]>[0], specs: InteropLayerSpec[], seed: number): Sequential {
  const model = sequential(r, { seed });
  for (const s of specs) model.add(buildLayer(s));
  return model;
}

function bytesOf(text: string): ArrayBuffer {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

function decodeArtifacts(a: EncodedArtifacts): ModelArtifacts {
  return { ...a, weightData: bytesOf(a.weightData) };
}

function encodeArtifacts(a: ModelArtifacts): EncodedArtifacts {
  return { ...a, weightData: encode(new Float32Array(a.weightData)) };
}

async function saveToMemory(model: Sequential, includeOptimizer: boolean): Promise<EncodedArtifacts> {
  const sink = memorySink();
  await model.save(sink, { includeOptimizer });
  return encodeArtifacts(sink.artifacts!);
}

const weightsOf = async (model: Sequential, prefix: string) => Object.fromEntries((await model.getWeights()).map((w, i) => [`${prefix}${i}`, w]));

export const interopCases = {
  /** Loads artifacts and predicts x; returns y and every weight. */
  loadAndPredict(spec: { artifacts: EncodedArtifacts; x: Encoded; batchSize?: number }): Promise<CaseResult> {
    return inScope(async (r) => {
      const model = await loadLayersModel(r, decodeArtifacts(spec.artifacts));
      const y = await model.predict(decode(spec.x), { batchSize: spec.batchSize ?? 32 });
      const weights = await weightsOf(model, 'w');
      model.dispose();
      return { y, ...weights };
    });
  },

  /**
   * Loads a functional model's artifacts, predicts its inputs `xs`; with y, trains `epochs` full-batch SGD steps
   * (learning rate lr, the loss given) and returns the losses and the weights after them; then saves it again.
   */
  loadFunctional(spec: {
    artifacts: EncodedArtifacts;
    xs: Encoded[];
    y?: Encoded;
    loss?: string;
    lr?: number;
    epochs?: number;
  }): Promise<CaseResult & { saved: EncodedArtifacts }> {
    let saved: EncodedArtifacts | null = null;
    return inScope(async (r) => {
      const model = await loadLayersModel<Functional>(r, decodeArtifacts(spec.artifacts));
      const xs = spec.xs.map(decode);
      const out: Record<string, Tensor | Float32Array> = { y: (await model.predict(xs)) as Tensor };
      if (spec.y) {
        model.compile({ optimizer: optimizers.sgd({ learningRate: spec.lr! }), loss: spec.loss as 'mse' });
        const h = await model.fit(xs, decode(spec.y), { batchSize: xs[0]!.shape[0]!, shuffle: false, epochs: spec.epochs! });
        out.losses = Float32Array.from(h.history.loss as number[]);
        Object.assign(out, await weightsOf(model as unknown as Sequential, 'w'));
      }
      saved = await saveToMemory(model as unknown as Sequential, false);
      model.dispose();
      return out;
    }).then((result) => ({ ...result, saved: saved! }));
  },

  /** Loads a model.json over HTTP from the test server (an absolute, root-relative or relative URL) and predicts x. */
  loadUrlAndPredict(spec: { url: string; x: Encoded }): Promise<CaseResult> {
    return inScope(async (r) => {
      const model = await loadLayersModel(r, spec.url);
      const y = await model.predict(decode(spec.x));
      model.dispose();
      return { y };
    });
  },

  /** A load that fails: the error's class and message. */
  async loadError(spec: { artifacts: EncodedArtifacts }) {
    try {
      (await loadLayersModel(await rt(), decodeArtifacts(spec.artifacts))).dispose();
      return null;
    } catch (e) {
      return { name: (e as Error).name, message: (e as Error).message };
    }
  },

  /**
   * Builds a model from specs (weights from `weights` when given, else seeded), predicts x, saves it, loads the
   * save back and predicts again. Returns both predictions, the weights, and the saved artifacts.
   */
  async buildSaveLoad(spec: {
    layers: InteropLayerSpec[];
    seed: number;
    x: Encoded;
    weights?: Encoded[];
  }): Promise<{ result: CaseResult; artifacts: EncodedArtifacts }> {
    let artifacts: EncodedArtifacts | null = null;
    const result = await inScope(async (r) => {
      const model = buildModel(r, spec.layers, spec.seed);
      if (spec.weights) model.setWeights(spec.weights.map(decode));
      const x = decode(spec.x);
      const y = await model.predict(x);
      const weights = await weightsOf(model, 'w');
      artifacts = await saveToMemory(model, false);
      model.dispose();
      const loaded = await loadLayersModel(r, decodeArtifacts(artifacts));
      const yLoaded = await loaded.predict(x);
      loaded.dispose();
      return { y, yLoaded, ...weights };
    });
    return { result, artifacts: artifacts! };
  },

  /**
   * Trains `epochs` full-batch steps, saves with the optimizer, trains one more (weights `a*`); then loads the
   * save and trains one step there (weights `b*`). Also returns the save, for TF.js to continue from.
   */
  async continueTraining(spec: {
    layers: InteropLayerSpec[];
    seed: number;
    x: Encoded;
    y: Encoded;
    compile: Record<string, unknown>;
    epochs: number;
  }): Promise<{ result: CaseResult; artifacts: EncodedArtifacts }> {
    let artifacts: EncodedArtifacts | null = null;
    const result = await inScope(async (r) => {
      const x = decode(spec.x);
      const y = decode(spec.y);
      const n = x.shape[0]!;
      const fit = { batchSize: n, shuffle: false };
      const model = buildModel(r, spec.layers, spec.seed);
      model.compile(spec.compile as never);
      await model.fit(x, y, { ...fit, epochs: spec.epochs });
      artifacts = await saveToMemory(model, true);
      const saved = await weightsOf(model, 's');
      await model.fit(x, y, { ...fit, epochs: 1 });
      const a = await weightsOf(model, 'a');
      model.dispose();
      const loaded = await loadLayersModel(r, decodeArtifacts(artifacts));
      await loaded.fit(x, y, { ...fit, epochs: 1 });
      const b = await weightsOf(loaded, 'b');
      loaded.dispose();
      return { ...saved, ...a, ...b };
    });
    return { result, artifacts: artifacts! };
  },

  /** Loads artifacts (with their optimizer state) and trains one full-batch step; returns the weights. */
  trainLoaded(spec: { artifacts: EncodedArtifacts; x: Encoded; y: Encoded }): Promise<CaseResult> {
    return inScope(async (r) => {
      const x = decode(spec.x);
      const model = await loadLayersModel(r, decodeArtifacts(spec.artifacts));
      await model.fit(x, decode(spec.y), { batchSize: x.shape[0]!, shuffle: false, epochs: 1 });
      const weights = await weightsOf(model, 'w');
      model.dispose();
      return weights;
    });
  },
};
