/**
 * The functional API's symbolic side, as TF.js's `tf.input` and `layer.apply(symbolicTensor)`: no GPU work, only
 * the graph. `input({ shape })` makes a placeholder; applying a layer to placeholders records a node (the layer,
 * what it read, the initial states it was given) and returns the tensors it will output. `model({ inputs, outputs })`
 * (./functional.ts) walks those nodes back from the outputs.
 *
 * Shapes are Keras's: `shape` has the batch axis first, as null; `sampleShape` is one sample's.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import { defaultName } from '../layers/config';
import type { Layer } from '../layers/layer';

/** One application of a layer: what it read, and the tensors it output ([output, ...final states] with returnState). */
export interface GraphNode {
  layer: Layer;
  inputs: SymbolicTensor[];
  /** Keras's initial_state: tensors the layer's states start from (recurrent layers only); [] for zeros. */
  initialState: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** The order of creation: a node is made after every node it reads, so this order is topological. */
  order: number;
}

/** Counts nodes as they are made (GraphNode.order). */
let nodesMade = 0;

export type InputDtype = 'float32' | 'int32';

export interface InputConfig {
  /** One sample's shape, without the batch axis: [timesteps, features], [features], or [timesteps] of token ids. */
  shape: number[];
  name?: string;
  /** 'int32' for token ids (an embedding reads them); default 'float32'. */
  dtype?: InputDtype;
}

export class SymbolicTensor {
  /** Keras's shape: the batch axis (null: any) then one sample's. */
  readonly shape: (number | null)[];

  constructor(
    /** One sample's shape. */
    readonly sampleShape: number[],
    readonly name: string,
    /** The node that outputs this tensor, or null for a model input. */
    readonly node: GraphNode | null,
    /** Which of the node's outputs this is. */
    readonly outputIndex: number,
    /** Whether a timestep mask travels with it (Keras's _keras_mask), from masking or an embedding with maskZero. */
    readonly masked: boolean,
    readonly dtype: InputDtype = 'float32',
  ) {
    this.shape = [null, ...sampleShape];
  }

  /** Its rank with the batch axis, as TF.js's SymbolicTensor.rank. */
  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor '${this.name}' ${formatShape(this.shape.map((d) => d ?? 'None'))}`;
  }
}

export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  return x instanceof SymbolicTensor || (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor));
}

/** `input({ shape: [60, 1] })`: a model input, as TF.js's tf.input. */
export function input(config: InputConfig): SymbolicTensor {
  if (typeof config !== 'object' || config === null) throw new ValueError(`input expects { shape, name?, dtype? }; got ${JSON.stringify(config)}`);
  const unknown = Object.keys(config).filter((k) => !['shape', 'name', 'dtype'].includes(k));
  if (unknown.length > 0) throw new ValueError(`input: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are shape, name, dtype`);
  const { shape } = config;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(
      `input: shape must list one sample's dimensions as positive integers, without the batch axis, e.g. [60, 1]; got ${JSON.stringify(shape)}`,
    );
  }
  const dtype = config.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32') throw new ValueError(`input: dtype must be 'float32' or 'int32'; got ${JSON.stringify(dtype)}`);
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name === ''))
    throw new ValueError(`input: name must be a non-empty string; got ${JSON.stringify(config.name)}`);
  return new SymbolicTensor([...shape], config.name ?? defaultName('input'), null, 0, false, dtype);
}

/** What a layer's symbolic call returns: its output, or [output, ...states]. */
export type SymbolicResult = SymbolicTensor | SymbolicTensor[];

/**
 * Records `layer` applied to `inputs` (one tensor, or a list for a merge layer) and returns its outputs. The layer is
 * built on the first call (Keras builds a layer when it is first called); a later call must give the same shapes.
 */
export function applySymbolic(layer: Layer, inputs: SymbolicTensor | SymbolicTensor[], initialState: SymbolicTensor[] = []): SymbolicResult {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const shapes = list.map((t) => t.sampleShape);
  const masked = list.map((t) => t.masked);
  const { output, masks, states } = layer.symbolicCall(shapes, masked, initialState);
  const node: GraphNode = { layer, inputs: list, initialState, outputs: [], order: nodesMade++ };
  node.outputs.push(new SymbolicTensor(output, `${layer.name}/output`, node, 0, masks));
  states.forEach((shape, i) => node.outputs.push(new SymbolicTensor(shape, `${layer.name}/state_${i}`, node, i + 1, false)));
  return node.outputs.length === 1 ? node.outputs[0]! : node.outputs;
}
