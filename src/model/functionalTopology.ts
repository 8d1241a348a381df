/**
 * A functional model's `modelTopology` in the layers-model format, both ways: written as tfjs-layers 4 writes a
 * tf.model (`class_name: "Model"`, an InputLayer per input, each layer's `inbound_nodes`, `input_layers`,
 * `output_layers`), and read from that, from Keras 2's Functional (the same lists; a recurrent layer's initial
 * states follow its input in the node, as Keras 2 and TF.js serialize `initial_state`), and from Keras 3's
 * (`{ args, kwargs }` nodes whose tensors carry `keras_history`, initial states under kwargs.initial_state).
 * Layer configs go through the registry of src/model/kerasLayers.ts.
 */
import { ModelFormatError } from '../errors';
import type { JsonObject } from '../io/types';
import { Layer } from '../layers/layer';
import { RecurrentLayer } from '../layers/recurrent';
import type { Graph } from './graph';
import { inputLayerOf, layerEntry, layerReader, topologyRoot } from './kerasLayers';
import { input, type SymbolicTensor } from './symbolic';

type Config = Record<string, unknown>;
const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

/** [layer name, node index, tensor index]: a tensor as Keras names it. */
type TensorRef = [string, number, number];

export function functionalTopology(name: string, graph: Graph): JsonObject {
  const refOf = (t: SymbolicTensor): TensorRef => (t.node ? [t.node.layer.name, 0, t.outputIndex] : [t.name, 0, 0]);
  const inputs = graph.inputs.map((t) => ({
    name: t.name,
    class_name: 'InputLayer',
    config: { batch_input_shape: [null, ...t.sampleShape], dtype: t.dtype, sparse: false, name: t.name },
    inbound_nodes: [],
  }));
  const layers = graph.nodes.map((node) => ({
    name: node.layer.name,
    ...layerEntry(node.layer, false),
    inbound_nodes: [[...node.inputs, ...node.initialState].map((t) => [...refOf(t), {}])],
  }));
  return {
    class_name: 'Model',
    config: {
      name,
      layers: [...inputs, ...layers],
      input_layers: graph.inputs.map(refOf),
      output_layers: graph.outputs.map(refOf),
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'webrnn',
  };
}

/** A Keras 3 tensor ({ class_name: '__keras_tensor__', config: { keras_history } }) or a Keras 2 / TF.js ref. */
function refFrom(v: unknown): TensorRef | null {
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number') return [v[0], v[1], v[2]];
  if (isObject(v)) {
    const history = isObject(v.config) ? v.config.keras_history : v.keras_history;
    if (Array.isArray(history) && typeof history[0] === 'string') return [history[0], Number(history[1] ?? 0), Number(history[2] ?? 0)];
  }
  return null;
}

/** Every tensor ref in a value, in order (Keras 3 args may nest a list of tensors). */
function refsIn(v: unknown): TensorRef[] {
  const one = refFrom(v);
  if (one) return [one];
  if (Array.isArray(v)) return v.flatMap(refsIn);
  return [];
}

/** One node of a layer entry: what it reads and the initial states it was given. */
function nodeOf(entry: Config, fail: (detail: string) => ModelFormatError): { inputs: TensorRef[]; initialState: TensorRef[] } {
  const nodes = entry.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) throw fail('has no inbound_nodes: every layer of a functional model reads some tensor');
  if (nodes.length > 1) throw fail(`is applied ${nodes.length} times; sharing a layer within one model is not supported yet`);
  const node = nodes[0];
  if (isObject(node) && ('args' in node || 'kwargs' in node)) {
    const kwargs = isObject(node.kwargs) ? node.kwargs : {};
    return { inputs: refsIn(node.args), initialState: refsIn(kwargs.initial_state) };
  }
  if (!Array.isArray(node)) throw fail(`inbound_nodes[0] must be a list of [layer, node, tensor, kwargs]; got ${JSON.stringify(node)?.slice(0, 60)}`);
  const refs = refsIn(node);
  return { inputs: refs, initialState: [] };
}

/** The inputs, outputs and name of a functional topology, its layers made and applied as the file wires them. */
export function functionalFromTopology(topology: JsonObject, file: string): { name: string; inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const { root, kerasVersion } = topologyRoot(topology);
  const config = root.config;
  if (!isObject(config) || !Array.isArray(config.layers))
    throw new ModelFormatError(`${file}: key check failed: modelTopology.config.layers must be a list of layers; got ${JSON.stringify(config)?.slice(0, 40)}`);
  const read = layerReader(file, kerasVersion);
  const produced = new Map<string, SymbolicTensor[]>();
  const inputs = new Map<string, SymbolicTensor>();
  config.layers.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config))
      throw new ModelFormatError(
        `${file}: key check failed: layer #${i} must be { class_name, config, inbound_nodes }; got ${JSON.stringify(entry)?.slice(0, 60)}`,
      );
    const name = typeof entry.name === 'string' ? entry.name : typeof entry.config.name === 'string' ? entry.config.name : `layer #${i}`;
    const fail = (detail: string) => new ModelFormatError(`${file}: layer '${name}' (${entry.class_name}) ${detail}`);
    if (entry.class_name === 'InputLayer') {
      const { inputShape } = inputLayerOf(entry.config, file, kerasVersion);
      if (!inputShape) throw fail('has no batch_input_shape: webrnn builds for fixed shapes');
      const dtype = entry.config.dtype === 'int32' ? 'int32' : 'float32';
      const t = input({ shape: inputShape, name, dtype });
      inputs.set(name, t);
      produced.set(name, [t]);
      return;
    }
    const layer = read(entry.class_name, { ...entry.config, name });
    if (!(layer instanceof Layer)) throw fail('is a no-op webrnn cannot place in a graph');
    const node = nodeOf(entry, fail);
    const tensor = ([from, , index]: TensorRef): SymbolicTensor => {
      const t = produced.get(from)?.[index];
      if (!t) throw fail(`reads output ${index} of '${from}', which no earlier layer in the file produces`);
      return t;
    };
    let ins = node.inputs.map(tensor);
    let initialState = node.initialState.map(tensor);
    // Keras 2 and TF.js put a recurrent layer's initial states after its input in the node.
    if (layer instanceof RecurrentLayer && initialState.length === 0 && ins.length > 1) [ins, initialState] = [ins.slice(0, 1), ins.slice(1)];
    if (ins.length === 0) throw fail('reads no tensor');
    const out = layer.apply(layer.merges ? ins : ins[0]!, initialState.length > 0 ? { initialState } : {});
    produced.set(name, Array.isArray(out) ? out : [out]);
  });
  const listed = (key: 'input_layers' | 'output_layers'): SymbolicTensor[] => {
    const v = config[key];
    // Keras 3 writes one input as a bare [name, node, tensor].
    const refs = refFrom(v) ? [refFrom(v)!] : Array.isArray(v) ? v.map(refFrom) : [];
    if (refs.length === 0 || refs.some((r) => r === null))
      throw new ModelFormatError(
        `${file}: key check failed: modelTopology.config.${key} must list [layer, node, tensor]; got ${JSON.stringify(v)?.slice(0, 60)}`,
      );
    return refs.map((r) => {
      const t = produced.get(r![0])?.[r![2]];
      if (!t) throw new ModelFormatError(`${file}: ${key} names output ${r![2]} of '${r![0]}', which the file's layers do not produce`);
      return t;
    });
  };
  return { name: typeof config.name === 'string' ? config.name : 'model', inputs: listed('input_layers'), outputs: listed('output_layers') };
}
