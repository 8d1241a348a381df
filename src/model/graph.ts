/**
 * A functional model's graph, as Keras's Functional reads it: the nodes that lead from `inputs` to `outputs`, in an
 * order where every node comes after the nodes it reads (Keras's topological sort), and the checks that a graph
 * can run: every output reachable from the given inputs and every input used, each input given once, each layer
 * applied once, names unique. Errors name the tensor or layer at fault.
 */
import { ValueError } from '../errors';
import type { Layer } from '../layers/layer';
import { SymbolicTensor, type GraphNode } from './symbolic';

export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every node the outputs depend on, in the order they were applied (each after the nodes it reads). */
  nodes: GraphNode[];
  /** The layers of `nodes`, in that order (their weights' order in getWeights). */
  layers: Layer[];
  /** Per input: whether it holds token ids (an embedding reads it). */
  idsInputs: boolean[];
}

/** Model inputs or outputs as given: one tensor, or a list; anything else is refused by name. */
export function tensorList(value: unknown, what: string): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ValueError(`model: ${what} must list at least one symbolic tensor`);
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor))
      throw new ValueError(
        `model: ${what}${Array.isArray(value) ? `[${i}]` : ''} must be a symbolic tensor from input() or layer.apply(); got ${t === null ? 'null' : typeof t}`,
      );
  });
  return list as SymbolicTensor[];
}

export function buildGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  inputs.forEach((t, i) => {
    if (t.node !== null)
      throw new ValueError(
        `model: inputs[${i}] ('${t.name}') is the output of layer '${t.node.layer.name}', not a model input; make inputs with input({ shape })`,
      );
    if (inputs.indexOf(t) !== i) throw new ValueError(`model: input '${t.name}' is listed twice in inputs; list each input once`);
  });
  outputs.forEach((t, i) => {
    if (outputs.indexOf(t) !== i) throw new ValueError(`model: '${t.name}' is listed twice in outputs; list each output once`);
    if (t.node === null) throw new ValueError(`model: output '${t.name}' is a model input; an output must come from a layer`);
  });

  const nodes: GraphNode[] = [];
  const done = new Set<GraphNode>();
  const reached = new Set<SymbolicTensor>();
  /** Depth-first from an output: every node an output depends on (their order is set below). */
  const visit = (t: SymbolicTensor, from: string) => {
    if (t.node === null) {
      if (!inputs.includes(t))
        throw new ValueError(
          `model: graph disconnected: ${from} needs input '${t.name}', which is not in inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}); add it to inputs`,
        );
      reached.add(t);
      return;
    }
    const node = t.node;
    // No cycle can arise: a node reads only tensors that existed when it was made.
    if (done.has(node)) return;
    done.add(node);
    for (const x of [...node.inputs, ...node.initialState]) visit(x, `layer '${node.layer.name}'`);
    nodes.push(node);
  };
  outputs.forEach((t) => visit(t, `output '${t.name}'`));
  // In the order the layers were applied, as TF.js and Keras list a model's layers (and so its weights).
  nodes.sort((a, b) => a.order - b.order);
  const unused = inputs.find((t) => !reached.has(t));
  if (unused) throw new ValueError(`model: input '${unused.name}' is not connected to any output; remove it from inputs or use it`);

  const layers: Layer[] = [];
  for (const node of nodes) {
    const layer = node.layer;
    if (layers.includes(layer))
      throw new ValueError(`model: layer '${layer.name}' is applied more than once in this model; sharing a layer within one model is not supported yet`);
    const clash = layers.find((l) => l.name === layer.name);
    if (clash) throw new ValueError(`model: two layers are named '${layer.name}'; names must be unique in a model`);
    if (layer.stateful) throw new ValueError(`model: layer '${layer.name}' is stateful; functional models do not keep states across calls yet`);
    layers.push(layer);
  }

  const idsInputs = inputs.map((t) => {
    const readers = nodes.filter((n) => n.inputs.includes(t));
    const embeddings = readers.filter((n) => n.layer.vocabularySize !== null);
    if (embeddings.length > 0 && embeddings.length < readers.length) {
      const other = readers.find((n) => n.layer.vocabularySize === null)!;
      throw new ValueError(
        `model: input '${t.name}' holds token ids for embedding '${embeddings[0]!.layer.name}', so layer '${other.layer.name}' cannot read it too`,
      );
    }
    return embeddings.length > 0;
  });
  for (const node of nodes) {
    if (node.layer.vocabularySize !== null && node.inputs.some((t) => t.node !== null))
      throw new ValueError(`model: embedding '${node.layer.name}' must read a model input (token ids), not the output of another layer`);
  }
  return { inputs, outputs, nodes, layers, idsInputs };
}
