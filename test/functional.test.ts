/**
 * The functional API's checks, in Node (a fake device: nothing here reaches the GPU): what input(), layer.apply,
 * model() and compile refuse, each with a typed error naming the tensor, layer or output at fault, and how the
 * graph is ordered and named. The GPU side is test/functional.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ShapeError, createRuntime, input, layers, memorySink, model, sequential, type Runtime, type SymbolicTensor } from '../src/index';
import { buildGraph } from '../src/model/graph';
import { functionalFromTopology } from '../src/model/functionalTopology';
import { fakeDevice } from './support/fakeDevice';

const runtime = (): Promise<Runtime> => createRuntime({ device: fakeDevice().device });
const one = (t: unknown) => t as SymbolicTensor;
const many = (t: unknown) => t as SymbolicTensor[];

describe('input() and layer.apply on symbolic tensors', () => {
  it('gives Keras shapes with a null batch axis, and returns [output, ...states] with returnState', () => {
    const x = input({ shape: [6, 3], name: 'x' });
    expect(x.shape).toEqual([null, 6, 3]);
    expect(x.rank).toBe(3);
    const [out, h, c] = many(layers.lstm({ units: 4, returnState: true }).apply(x));
    expect([out!.shape, h!.shape, c!.shape]).toEqual([
      [null, 4],
      [null, 4],
      [null, 4],
    ]);
    const seq = one(layers.gru({ units: 2, returnSequences: true }).apply(x));
    expect(seq.shape).toEqual([null, 6, 2]);
    expect(one(layers.concatenate().apply([out!, h!])).shape).toEqual([null, 8]);
  });

  it('refuses bad configs, concrete data, and shapes that do not fit, by name', () => {
    expect(() => input({ shape: [0, 3] })).toThrow(ShapeError);
    expect(() => input({ shape: [3], dtype: 'bool' as 'int32' })).toThrow(/dtype must be 'float32' or 'int32'/);
    expect(() => input({ shape: [3], size: 2 } as never)).toThrow(/unknown option 'size'/);
    expect(() => layers.dense({ units: 2 }).apply([[1, 2]] as never)).toThrow(/takes symbolic tensors from input\(\)/);
    const a = input({ shape: [3] });
    const b = input({ shape: [4] });
    expect(() => layers.add().apply([a, b])).toThrow(/add '.*' needs inputs of one shape; input 0 is \[\*, 3\], input 1 is \[\*, 4\]/);
    expect(() => layers.concatenate().apply([a, input({ shape: [2, 3] })])).toThrow(ShapeError);
    expect(() => layers.concatenate({ axis: 1 }).apply([input({ shape: [2, 3] }), input({ shape: [2, 3] })])).toThrow(/only the last axis/);
    expect(() => layers.multiply().apply([a])).toThrow(/at least two tensors; got 1/);
    expect(() => layers.dense({ units: 2 }).apply([a, b])).toThrow(/takes one input; got 2/);
    const dense = layers.dense({ units: 2 });
    dense.apply(a);
    expect(() => dense.apply(b)).toThrow(/was built for inputs \[\*, 3\]; applied again to \[\*, 4\], which needs other weights/);
    // The same weights over fewer timesteps: a decoder applied one step at a time.
    const decoder = layers.lstm({ units: 2, returnSequences: true });
    decoder.apply(input({ shape: [5, 3] }));
    expect(one(decoder.apply(input({ shape: [1, 3] }))).shape).toEqual([null, 1, 2]);
  });

  it('gives dot, activation and attention the shapes Keras gives them, and refuses what does not fit', () => {
    const dec = input({ shape: [3, 4] });
    const enc = input({ shape: [5, 4] });
    const scores = one(layers.dot({ axes: [2, 2] }).apply([dec, enc]));
    expect(scores.shape).toEqual([null, 3, 5]);
    expect(one(layers.activation({ activation: 'softmax' }).apply(scores)).shape).toEqual([null, 3, 5]);
    expect(one(layers.dot({ axes: [2, 1] }).apply([scores, enc])).shape).toEqual([null, 3, 4]);
    expect(one(layers.dot({ axes: -1 }).apply([input({ shape: [4] }), input({ shape: [4] })])).shape).toEqual([null, 1]);
    const [out, weights] = many(layers.attention({ returnAttentionScores: true }).apply([dec, enc]));
    expect([out!.shape, weights!.shape]).toEqual([
      [null, 3, 4],
      [null, 3, 5],
    ]);
    expect(() => layers.dot({ axes: [2, 1] }).apply([dec, enc])).toThrow(/axis 2 of input 0 \[\*, 3, 4\] and axis 1 of input 1 \[\*, 5, 4\] differ in length/);
    expect(() => layers.dot({ axes: [2, 2], normalize: true })).toThrow(/normalize: true .* is not supported yet/);
    expect(() => layers.attention().apply([dec, input({ shape: [5, 3] })])).toThrow(/query \[\*, 3, 4\] and key \[\*, 5, 3\] must have the same width/);
    expect(() => layers.attention({ scoreMode: 'concat' as 'dot' })).toThrow(/scoreMode "concat" is not supported/);
    expect(() => layers.activation({ activation: 'gelu' as 'relu' })).toThrow(/activation must be one of/);
    const additive = layers.additiveAttention();
    expect(one(additive.apply([dec, enc])).shape).toEqual([null, 3, 4]);
    expect(additive.paramSpecs([3, 4]).map((p) => p.shape)).toEqual([[4]]);
    expect(layers.additiveAttention({ useScale: false }).paramSpecs([3, 4])).toEqual([]);
  });

  it("carries timestep masks as Keras: merges AND them, Dot drops them, attention keeps the query's", () => {
    const ids = input({ shape: [6], dtype: 'int32' });
    const masked = one(layers.lstm({ units: 3, returnSequences: true }).apply(one(layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(ids))));
    const plain = one(layers.dense({ units: 3 }).apply(input({ shape: [6, 2] })));
    expect(masked.masked).toBe(true);
    expect(one(layers.concatenate().apply([masked, plain])).masked).toBe(true);
    expect(one(layers.add().apply([plain, plain])).masked).toBe(false);
    expect(one(layers.dot({ axes: [2, 2] }).apply([plain, masked])).masked).toBe(false);
    expect(one(layers.attention().apply([plain, masked])).masked).toBe(false);
    expect(one(layers.additiveAttention().apply([masked, plain])).masked).toBe(true);
  });

  it('checks initial states against the layer: how many, and their width', () => {
    const x = input({ shape: [5, 2] });
    const [, h, c] = many(layers.lstm({ units: 3, returnState: true }).apply(x));
    expect(() => layers.lstm({ units: 3 }).apply(x, { initialState: [h!] })).toThrow(/carries 2 states \(h, c\); initialState gave 1/);
    expect(() => layers.lstm({ units: 4 }).apply(x, { initialState: [h!, c!] })).toThrow(/initial state h must be \[\*, 4\]; got/);
    expect(() => layers.dense({ units: 3 }).apply(h!, { initialState: [c!] })).toThrow(/has no states/);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 3 }) }).apply(x, { initialState: [h!, c!] })).toThrow(
      /not supported in a functional model yet/,
    );
  });

  it('refuses a merge layer in a Sequential, saying where it belongs', async () => {
    const s = sequential(await runtime());
    s.add(layers.dense({ units: 2, inputShape: [3] }));
    expect(() => s.add(layers.add())).toThrow(/Add merges several tensors, so it cannot follow one layer in a Sequential/);
  });
});

describe('model(): the graph', () => {
  it('orders nodes as they were applied (each after what it reads), and refuses what cannot run', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const p = one(layers.dense({ units: 2, name: 'p' }).apply(a));
    const q = one(layers.dense({ units: 2, name: 'q' }).apply(b));
    const s = one(layers.add({ name: 's' }).apply([q, p]));
    const graph = buildGraph([a, b], [s, p]);
    expect(graph.layers.map((l) => l.name)).toEqual(['p', 'q', 's']);
    expect(() => buildGraph([a], [s])).toThrow(/graph disconnected: layer 'q' needs input 'b', which is not in inputs \('a'\)/);
    expect(() => buildGraph([a, b, input({ shape: [2], name: 'c' })], [s])).toThrow(/input 'c' is not connected to any output/);
    expect(() => buildGraph([a, a], [p])).toThrow(/input 'a' is listed twice/);
    expect(() => buildGraph([a, p], [s])).toThrow(/is the output of layer 'p', not a model input/);
    const shared = layers.dense({ units: 2, name: 'shared' });
    const twice = one(layers.add().apply([one(shared.apply(a)), one(shared.apply(b))]));
    expect(() => buildGraph([a, b], [twice])).toThrow(/layer 'shared' is applied more than once/);
  });

  it('refuses bad inputs and outputs at model() and bad losses at compile, by name', async () => {
    const rt = await runtime();
    const a = input({ shape: [3], name: 'a' });
    const y = one(layers.dense({ units: 2, name: 'y' }).apply(a));
    expect(() => model(rt, { inputs: a, outputs: [y, 'z' as never] })).toThrow(/outputs\[1\] must be a symbolic tensor/);
    expect(() => model(undefined as never, { inputs: a, outputs: y })).toThrow(/model needs a runtime/);
    expect(() => model(rt, { inputs: a, outputs: y, extra: 1 } as never)).toThrow(/unknown option 'extra'/);
    const stateful = one(layers.lstm({ units: 2, stateful: true, batchInputShape: [2, 4, 3] }).apply(input({ shape: [4, 3], name: 's' })));
    expect(() => model(rt, { inputs: stateful.node!.inputs, outputs: stateful })).toThrow(/is stateful/);
    const z = one(layers.dense({ units: 1, name: 'z' }).apply(a));
    const m = model(rt, { inputs: a, outputs: [y, z] });
    expect(m.outputNames).toEqual(['y', 'z']);
    expect(() => m.add(layers.dense({ units: 1 }))).toThrow(/built from its inputs and outputs/);
    expect(() => m.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/loss lists 1 entries for 2 outputs/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { y: 'mse' } })).toThrow(/no loss for output 'z'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { y: 'mse', w: 'mse' } })).toThrow(/names 'w', which is not an output/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1, -1] })).toThrow(/loss weight of output 'z' must be a finite number > 0/);
    m.compile({ optimizer: 'sgd', loss: { y: 'mse', z: 'mae' }, metrics: { z: ['mse'] } });
    const x = { data: new Float32Array(6), shape: [2, 3] };
    await expect(m.fit(x, [{ data: new Float32Array(4), shape: [2, 2] }], { epochs: 1 })).rejects.toThrow(/y must hold 2 tensors, one per model output/);
    await expect(m.fit(x, { y: { data: new Float32Array(4), shape: [2, 2] } }, { epochs: 1 })).rejects.toThrow(/no tensor for model output 'z'/);
    await expect(
      m.fit(
        x,
        [
          { data: new Float32Array(4), shape: [2, 2] },
          { data: new Float32Array(3), shape: [3, 1] },
        ],
        { epochs: 1 },
      ),
    ).rejects.toThrow(/same number of samples; 'y' has 2, 'z' has 3/);
    // One input and one output may be named too, or given as a list of one.
    const only = input({ shape: [3], name: 'only' });
    const single = model(rt, { inputs: only, outputs: one(layers.dense({ units: 2, name: 'single_out' }).apply(only)) });
    single.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await single.fit({ only: x }, { single_out: { data: new Float32Array(4), shape: [2, 2] } }, { epochs: 1 });
    expect(h.history.loss).toHaveLength(1);
    await single.fit([[[1, 2, 3]]], [[[0.5, 0.5]]], { epochs: 1 });
    await expect(single.fit({ b: x }, { single_out: { data: new Float32Array(4), shape: [2, 2] } })).rejects.toThrow(
      /x names 'b', which is not a model input; it is 'only'/,
    );
    expect(single.isGraph).toBe(true);
    single.dispose();
    expect(() => model(rt, { inputs: a, outputs: a })).toThrow(/output 'a' is a model input; an output must come from a layer/);
    await expect(m.save(memorySink(), { includeOptimizer: true })).rejects.toThrow(
      /includeOptimizer: true \}\) with several outputs is not supported for functional models yet/,
    );
    m.dispose();
  });

  it('shares the weights of a trained model with models made from its layers, and refuses a mix', async () => {
    const rt = await runtime();
    const x = input({ shape: [4, 3], name: 'x' });
    const encoderLayer = layers.lstm({ units: 2, returnState: true, name: 'enc' });
    const [out, h] = many(encoderLayer.apply(x));
    const head = layers.dense({ units: 1, name: 'head' });
    const trained = model(rt, { inputs: x, outputs: one(head.apply(out!)) });
    const encoder = model(rt, { inputs: x, outputs: h! });
    expect(encoder.countParams()).toBe(trained.countParams() - 3);
    expect((await encoder.getWeights()).map((w) => w.shape)).toEqual([[3, 8], [2, 8], [8]]);
    expect(() => encoder.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/shares its layers with model '.*': compile and fit/);
    const mixed = one(layers.dense({ units: 1, name: 'fresh' }).apply(h!));
    expect(() => model(rt, { inputs: x, outputs: mixed })).toThrow(/layer 'enc' belongs to model '.*' but layer 'fresh' is new/);
    trained.dispose();
    await expect(encoder.predict({ data: new Float32Array(12), shape: [1, 4, 3] })).rejects.toThrow(/was disposed/);
    encoder.dispose();
  });
});

describe('functional topologies: read as Keras 3 and Keras 2 / TF.js write them', () => {
  const kerasTensor = (layer: string, tensor: number, shape: (number | null)[]) => ({
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: [layer, 0, tensor] },
  });
  const input3 = (name: string, shape: number[]) => ({
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: { batch_shape: [null, ...shape], dtype: 'float32', sparse: false, name },
    registered_name: null,
    name,
    inbound_nodes: [],
  });
  const lstm3 = (name: string, extra: object) => ({ units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, name, ...extra });
  /** An encoder–decoder as Keras 3 serializes it: initial states under kwargs, merges with a list as their first arg. */
  const keras3 = {
    class_name: 'Functional',
    config: {
      name: 's2s',
      layers: [
        input3('enc_in', [5, 3]),
        input3('dec_in', [2, 3]),
        {
          class_name: 'LSTM',
          config: lstm3('encoder', { return_state: true }),
          name: 'encoder',
          inbound_nodes: [{ args: [kerasTensor('enc_in', 0, [null, 5, 3])], kwargs: { training: false, mask: null } }],
        },
        {
          class_name: 'LSTM',
          config: lstm3('decoder', { return_sequences: true }),
          name: 'decoder',
          inbound_nodes: [
            {
              args: [kerasTensor('dec_in', 0, [null, 2, 3])],
              kwargs: { initial_state: [kerasTensor('encoder', 1, [null, 4]), kerasTensor('encoder', 2, [null, 4])], training: false, mask: null },
            },
          ],
        },
        {
          class_name: 'Attention',
          config: { name: 'attention', use_scale: true, score_mode: 'dot', dropout: 0 },
          name: 'attention',
          inbound_nodes: [{ args: [[kerasTensor('decoder', 0, [null, 2, 4]), kerasTensor('decoder', 0, [null, 2, 4])]], kwargs: {} }],
        },
        {
          class_name: 'Dense',
          config: { name: 'dense', units: 3, activation: 'softmax' },
          name: 'dense',
          inbound_nodes: [{ args: [kerasTensor('attention', 0, [null, 2, 4])], kwargs: {} }],
        },
      ],
      input_layers: [
        ['enc_in', 0, 0],
        ['dec_in', 0, 0],
      ],
      output_layers: ['dense', 0, 0],
    },
    keras_version: '3.6.0',
  };

  it('builds the graph of a Keras 3 Functional, initial states from kwargs', () => {
    const { name, inputs, outputs } = functionalFromTopology(keras3, 's2s.keras');
    expect(name).toBe('s2s');
    expect(inputs.map((t) => t.name)).toEqual(['enc_in', 'dec_in']);
    expect(outputs.map((t) => t.shape)).toEqual([[null, 2, 3]]);
    const graph = buildGraph(inputs, outputs);
    expect(graph.layers.map((l) => l.name)).toEqual(['encoder', 'decoder', 'attention', 'dense']);
    const decoder = graph.nodes[1]!;
    expect(decoder.initialState.map((t) => [t.node!.layer.name, t.outputIndex])).toEqual([
      ['encoder', 1],
      ['encoder', 2],
    ]);
  });

  it('reads Keras 2 / TF.js nodes, where a recurrent layer lists its initial states after its input', () => {
    const keras2 = structuredClone(keras3) as typeof keras3;
    const layers2 = keras2.config.layers as { inbound_nodes: unknown }[];
    layers2[2]!.inbound_nodes = [[['enc_in', 0, 0, {}]]];
    layers2[3]!.inbound_nodes = [
      [
        ['dec_in', 0, 0, {}],
        ['encoder', 0, 1, {}],
        ['encoder', 0, 2, {}],
      ],
    ];
    layers2[4]!.inbound_nodes = [
      [
        ['decoder', 0, 0, {}],
        ['decoder', 0, 0, {}],
      ],
    ];
    layers2[5]!.inbound_nodes = [[['attention', 0, 0, {}]]];
    const { inputs, outputs } = functionalFromTopology({ ...keras2, keras_version: '2.15.0' }, 'model.json');
    expect(buildGraph(inputs, outputs).nodes[1]!.initialState).toHaveLength(2);
  });

  it('names the file and the layer when a node cannot be wired', () => {
    const broken = structuredClone(keras3) as typeof keras3;
    (broken.config.layers as { inbound_nodes: unknown }[])[5]!.inbound_nodes = [{ args: [kerasTensor('nowhere', 0, [null, 2, 4])], kwargs: {} }];
    expect(() => functionalFromTopology(broken, 's2s.keras')).toThrow(
      /s2s\.keras: layer 'dense' \(Dense\) reads output 0 of 'nowhere', which no earlier layer/,
    );
    const twice = structuredClone(keras3) as typeof keras3;
    const dense = (twice.config.layers as { inbound_nodes: unknown[] }[])[5]!;
    dense.inbound_nodes = [...dense.inbound_nodes, ...dense.inbound_nodes];
    expect(() => functionalFromTopology(twice, 's2s.keras')).toThrow(ModelFormatError);
  });
});
