/**
 * An ONNX model as webrnn layers, for the chain-shaped graphs that torch.onnx.export and webrnn's own toOnnx
 * write for recurrent models: one input, ONNX LSTM/GRU/RNN nodes (any direction) with the glue around them
 * (Shape/Gather/ConstantOfShape for zero initial states, Transpose, Squeeze, Slice, Reshape, a Gather of the last
 * step or of each direction's final state, Concat), and Gemm/MatMul+Add heads with their activations. The graph
 * is walked once in order, every value either a constant (initializers, Constant, shape arithmetic on the
 * symbolic batch size), zeros, or the one data path, whose form (time- or batch-major sequence, Y, Y_h, …) says
 * what the next node may do with it. Anything else is a ModelFormatError naming the node and its op.
 *
 * Weights go the inverse way of ./toOnnx.ts: ONNX's LSTM gates i, o, f, c back to Keras's i, f, c, o; W and R
 * transposed; LSTM and RNN biases Wb + Rb; GRU linear_before_reset = 1 as resetAfter (bias [2, 3u] = [Wb; Rb]),
 * 0 as resetAfter false (Wb + Rb).
 */
import protobuf from 'protobufjs/light.js';
import { ModelFormatError } from '../../errors';
import { ONNX_SCHEMA } from './onnxSchema';

/** A layer as `layers[type](config)` builds it, and what loadOnnxModel hands to setWeights for it. */
export interface ImportedLayer {
  type: string;
  config: Record<string, unknown>;
}

export interface ImportedModel {
  name: string;
  layers: ImportedLayer[];
  /** In the model's weight order: each layer's kernel, recurrent_kernel, bias (Bidirectional: forward, backward). */
  weights: { data: Float32Array; shape: number[] }[];
}

type Ints = (number | 'B')[];
type Value = { kind: 'const'; dims: number[]; data: number[] } | { kind: 'ints'; data: Ints } | { kind: 'zeros' } | { kind: 'data'; form: Form };

type Form =
  | { at: 'input' }
  | { at: 'ids' }
  | { at: 'seq'; timeMajor: boolean; width: number }
  | { at: 'vec'; width: number }
  | { at: 'Y'; layer: number; D: number; H: number; reversed: boolean }
  | { at: 'Yh'; layer: number; D: number; H: number }
  | { at: 'YhBatch'; layer: number; D: number; H: number }
  | { at: 'YBatch'; layer: number; D: number; H: number; reversed: boolean }
  | { at: 'YTime'; layer: number; D: number; H: number }
  | { at: 'direction'; layer: number; d: number; H: number }
  | { at: 'unsqueezed'; width: number }
  | { at: 'lastStep'; width: number }
  | { at: 'matmul'; layer: number };

interface Node {
  op_type: string;
  name?: string;
  input: string[];
  output: string[];
  attribute?: {
    name: string;
    type: number;
    f?: number;
    i?: number;
    s?: Uint8Array;
    ints?: number[];
    floats?: number[];
    strings?: Uint8Array[];
    t?: TensorProto;
  }[];
}

interface TensorProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int64_data?: number[];
  int32_data?: number[];
}

const GATES: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1 };
/** ONNX LSTM block k holds Keras block ONNX_TO_KERAS[k] (i, o, f, c → i, f, c, o). */
const LSTM_ORDER = [0, 3, 1, 2];
const ACTIVATIONS: Record<string, string> = { Tanh: 'tanh', Relu: 'relu', Sigmoid: 'sigmoid', HardSigmoid: 'hardSigmoid' };
const LAYER_OF_OP: Record<string, string> = { LSTM: 'lstm', GRU: 'gru', RNN: 'simpleRNN' };

export function onnxToLayers(bytes: Uint8Array, file = 'the ONNX model'): ImportedModel {
  const root = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace);
  const Model = root.lookupType('onnx.ModelProto');
  let model: { graph?: { name?: string; node?: Node[]; initializer?: TensorProto[]; input?: ValueInfo[]; output?: ValueInfo[] } };
  try {
    model = Model.toObject(Model.decode(bytes), { longs: Number, defaults: false, arrays: true }) as typeof model;
  } catch (e) {
    throw new ModelFormatError(`${file}: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph?.node?.length) throw new ModelFormatError(`${file}: the ONNX model has no graph nodes`);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name));
  if (inputs.length !== 1 || graph.output?.length !== 1) {
    throw new ModelFormatError(
      `${file}: loadOnnxModel reads graphs with one input and one output; this one has ${inputs.length} inputs and ${graph.output?.length ?? 0} outputs`,
    );
  }
  const input = inputs[0]!;
  const dims = (input.type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_value ?? 0).slice(1);
  const elem = input.type?.tensor_type?.elem_type;
  if (dims.length < 1 || dims.some((d) => !(d > 0))) {
    throw new ModelFormatError(
      `${file}: the input '${input.name}' needs fixed sizes after the batch dimension (timesteps, features); got [batch, ${dims.map((d) => d || '?').join(', ')}]`,
    );
  }
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) values.set(t.name!, constant(t));
  const ids = elem === 6 || elem === 7; // INT32, INT64: token ids for an Embedding
  values.set(input.name, { kind: 'data', form: ids ? { at: 'ids' } : { at: 'input' } });

  const layers: ImportedLayer[] = [];
  const weights: ImportedModel['weights'][] = [];
  const inputShape = ids ? [dims[0]!] : dims;

  const convert = new Converter(layers, weights, inputShape, file);
  for (const node of graph.node) {
    const where = `${file}: node '${node.name || node.output[0]}' (${node.op_type})`;
    const args = node.input.map((n) => (n === '' ? null : (values.get(n) ?? null)));
    if (node.input.some((n, i) => n !== '' && !args[i]))
      throw new ModelFormatError(`${where}: input '${node.input.find((n, i) => n !== '' && !args[i])}' is not produced by any node before it`);
    const outs = convert.node(node, args, where);
    outs.forEach((v, i) => v && node.output[i] && values.set(node.output[i]!, v));
  }
  const out = values.get(graph.output[0]!.name);
  if (!out || out.kind !== 'data' || !['vec', 'seq'].includes(out.form.at) || (out.form.at === 'seq' && out.form.timeMajor)) {
    throw new ModelFormatError(
      `${file}: the output '${graph.output[0]!.name}' is not a batch-major result of the layers read (${out?.kind === 'data' ? out.form.at : (out?.kind ?? 'missing')})`,
    );
  }
  convert.finish(out.form, file);
  if (layers.length === 0) throw new ModelFormatError(`${file}: the graph has no layer webrnn reads (LSTM, GRU, RNN, Gemm, MatMul)`);
  return { name: graph.name || 'onnx_model', layers, weights: weights.flat() };
}

interface ValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}

function constant(t: TensorProto): Value {
  const dims = (t.dims ?? []).map(Number);
  let data: number[];
  if (t.raw_data && t.raw_data.length > 0) {
    // A copy at offset 0: in Node protobufjs hands out Buffer views into a shared pool.
    const bytes = Uint8Array.from(t.raw_data);
    if (t.data_type === 1) data = Array.from(new Float32Array(bytes.buffer, 0, bytes.length / 4));
    else if (t.data_type === 7) data = Array.from(new BigInt64Array(bytes.buffer, 0, bytes.length / 8), Number);
    else if (t.data_type === 6) data = Array.from(new Int32Array(bytes.buffer, 0, bytes.length / 4));
    else data = [];
  } else data = (t.float_data?.length ? t.float_data : t.int64_data?.length ? t.int64_data : (t.int32_data ?? [])).map(Number);
  return { kind: 'const', dims, data };
}

function attr(node: Node, name: string): number | string | number[] | string[] | TensorProto | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return undefined;
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  switch (a.type) {
    case 1:
      return a.f;
    case 2:
      return Number(a.i);
    case 3:
      return text(a.s!);
    case 4:
      return a.t;
    case 6:
      return a.floats;
    case 7:
      return a.ints!.map(Number);
    case 8:
      return a.strings!.map(text);
    default:
      return undefined;
  }
}

class Converter {
  private pendingBias: number | null = null;

  constructor(
    private readonly layers: ImportedLayer[],
    private readonly weights: ImportedModel['weights'][],
    private readonly inputShape: number[],
    private readonly file: string,
  ) {}

  private add(type: string, config: Record<string, unknown>, weights: ImportedModel['weights']): number {
    if (this.layers.length === 0) config.inputShape = [...this.inputShape];
    this.layers.push({ type, config });
    this.weights.push(weights);
    return this.layers.length - 1;
  }

  /** The recurrent layer's config (the inner one of a Bidirectional). */
  private cell(layer: number): Record<string, unknown> {
    const l = this.layers[layer]!;
    return l.type === 'bidirectional' ? (l.config.layer as ImportedLayer).config : l.config;
  }

  private sequences(layer: number, returnSequences: boolean, mergeMode?: string): void {
    this.cell(layer).returnSequences = returnSequences;
    if (mergeMode && this.layers[layer]!.type === 'bidirectional') this.layers[layer]!.config.mergeMode = mergeMode;
  }

  node(node: Node, args: (Value | null)[], where: string): (Value | null)[] {
    const fail = (why: string): never => {
      throw new ModelFormatError(`${where}: ${why}`);
    };
    const op = node.op_type;
    const [a, b] = args;
    const data = a?.kind === 'data' ? a.form : null;
    const constOf = (v: Value | null | undefined) => (v?.kind === 'const' ? v : null);
    const intsOf = (v: Value | null | undefined): Ints | null => (v?.kind === 'ints' ? v.data : v?.kind === 'const' ? v.data : null);
    const axesOf = () => (attr(node, 'axes') as number[] | undefined) ?? intsOf(args[1])?.map(Number) ?? null;

    switch (op) {
      case 'Constant': {
        const t = attr(node, 'value');
        if (t && typeof t === 'object' && !Array.isArray(t)) return [constant(t)];
        const ints = attr(node, 'value_ints') ?? attr(node, 'value_int');
        if (ints !== undefined) return [{ kind: 'ints', data: ([] as number[]).concat(ints as number) }];
        return fail('only tensor and integer constants are read');
      }
      case 'Identity':
      case 'Dropout':
        return [a!];
      case 'Shape':
        if (data?.at === 'input' || data?.at === 'ids') return [{ kind: 'ints', data: ['B', ...this.inputShape] }];
        // tf2onnx reads the batch size off each recurrent layer's input to build its zero initial states.
        if (data?.at === 'seq')
          return [{ kind: 'ints', data: data.timeMajor ? [this.inputShape[0]!, 'B', data.width] : ['B', this.inputShape[0]!, data.width] }];
        return fail('Shape is read only of the graph input or a sequence');
      case 'Cast':
        if (data?.at === 'input' || data?.at === 'ids') return [{ kind: 'data', form: { at: 'ids' } }];
        if (!data) return [a!];
        return fail('Cast is read only of the input (token ids), shape arithmetic or constants');
      case 'Unsqueeze': {
        const axes = axesOf();
        const ints = intsOf(a);
        if (ints && !data) return [{ kind: 'ints', data: ints }];
        if (a?.kind === 'zeros') return [a];
        if (data?.at === 'vec' && axes?.length === 1 && axes[0] === 1) return [{ kind: 'data', form: { at: 'unsqueezed', width: data.width } }];
        return fail('Unsqueeze is read of shape arithmetic, or of a [batch, features] value at axis 1 (a RepeatVector)');
      }
      case 'Concat': {
        const axis = attr(node, 'axis') as number;
        if (args.every((v) => v && v.kind !== 'data' && v.kind !== 'zeros')) return [{ kind: 'ints', data: args.flatMap((v) => intsOf(v)!) }];
        const forms = args.map((v) => (v?.kind === 'data' ? v.form : null));
        if (forms.length === 2 && axis === 1 && forms.every((f) => f?.at === 'direction')) {
          const [f0, f1] = forms as Extract<Form, { at: 'direction' }>[];
          if (f0!.layer === f1!.layer && f0!.d === 0 && f1!.d === 1) {
            this.sequences(f0!.layer, false, 'concat');
            return [{ kind: 'data', form: { at: 'vec', width: 2 * f0!.H } }];
          }
        }
        return fail("Concat is read of shape arithmetic, or of a bidirectional layer's two final states [forward, backward] at axis 1");
      }
      case 'ConstantOfShape': {
        const value = attr(node, 'value') as TensorProto | undefined;
        if (value && (constant(value) as { data: number[] }).data.some((v) => v !== 0)) return fail('only zeros (initial states) are read');
        return [{ kind: 'zeros' }];
      }
      case 'Expand': {
        const shape = intsOf(b);
        if (data?.at === 'unsqueezed' && shape?.length === 3 && shape[0] === 1 && shape[2] === 1 && typeof shape[1] === 'number') {
          this.add('repeatVector', { n: shape[1] }, []);
          return [{ kind: 'data', form: { at: 'seq', timeMajor: false, width: data.width } }];
        }
        if (a?.kind === 'zeros' || (a?.kind === 'const' && a.data.every((v) => v === 0))) return [{ kind: 'zeros' }];
        return fail('Expand is read of zeros, or after Unsqueeze as a RepeatVector');
      }
      case 'Slice': {
        if (a?.kind === 'zeros') return [a];
        const [starts, ends, axes, steps] = args.slice(1, 5).map(intsOf);
        const ints = !data ? intsOf(a) : null;
        if (ints && starts?.length === 1 && ends?.length === 1 && (!axes || axes[0] === 0) && (!steps || steps[0] === 1)) {
          const n = ints.length;
          const at = (v: number | 'B') => Math.min(n, Math.max(0, (v as number) < 0 ? (v as number) + n : (v as number)));
          return [{ kind: 'ints', data: ints.slice(at(starts[0]!), at(ends[0]!)) }];
        }
        // tf2onnx's last step of a time-major sequence: [T, B, H][-1:] (then Squeeze of axis 0).
        const endsLate = typeof ends?.[0] === 'number' && ends[0] >= 2 ** 31 - 1;
        if (data?.at === 'seq' && data.timeMajor && starts?.[0] === -1 && axes?.[0] === 0 && (!steps || steps[0] === 1) && endsLate) {
          return [{ kind: 'data', form: { at: 'lastStep', width: data.width } }];
        }
        if (
          data?.at === 'Y' &&
          data.D === 1 &&
          axes?.[0] === 0 &&
          steps?.[0] === -1 &&
          starts?.[0] === -1 &&
          typeof ends?.[0] === 'number' &&
          ends[0] < -(2 ** 31)
        ) {
          return [{ kind: 'data', form: { ...data, reversed: true } }];
        }
        return fail("Slice is read of zero initial states, or as the reversal in time of a backward layer's sequence");
      }
      case 'Gather': {
        const axis = (attr(node, 'axis') as number | undefined) ?? 0;
        const idx = intsOf(b);
        if (!data && a?.kind !== 'data' && idx?.length === 1) {
          const ints = intsOf(a);
          if (ints) return [{ kind: 'ints', data: [ints[(idx[0] as number) < 0 ? ints.length + (idx[0] as number) : (idx[0] as number)]!] }];
        }
        const table = constOf(a);
        if (table && b?.kind === 'data' && b.form.at === 'ids' && table.dims.length === 2) {
          this.add('embedding', { inputDim: table.dims[0], outputDim: table.dims[1], inputLength: this.inputShape[0] }, [
            { data: Float32Array.from(table.data), shape: table.dims },
          ]);
          return [{ kind: 'data', form: { at: 'seq', timeMajor: false, width: table.dims[1]! } }];
        }
        if (data?.at === 'Yh' && axis === 0 && idx?.length === 1 && data.D === 2) {
          const d = (idx[0] as number) < 0 ? (idx[0] as number) + 2 : (idx[0] as number);
          return [{ kind: 'data', form: { at: 'direction', layer: data.layer, d, H: data.H } }];
        }
        if (data?.at === 'Yh' && axis === 0 && data.D === 1 && (idx?.[0] === 0 || idx?.[0] === -1)) {
          this.sequences(data.layer, false);
          return [{ kind: 'data', form: { at: 'vec', width: data.H } }];
        }
        if (data?.at === 'seq' && !data.timeMajor && axis === 1 && idx?.length === 1 && (idx[0] === -1 || idx[0] === this.lastTime())) {
          return [this.lastOutput(data.width, fail)];
        }
        return fail('Gather is read of shape arithmetic, an embedding table by token ids, a direction of Y_h, or the last step of a forward layer');
      }
      case 'Transpose': {
        const perm = (attr(node, 'perm') as number[] | undefined)?.join(',');
        if ((data?.at === 'input' || (data?.at === 'seq' && !data.timeMajor)) && perm === '1,0,2') {
          return [{ kind: 'data', form: { at: 'seq', timeMajor: true, width: data.at === 'input' ? this.inputShape[1]! : data.width } }];
        }
        if (data?.at === 'seq' && data.timeMajor && perm === '1,0,2') return [{ kind: 'data', form: { ...data, timeMajor: false } }];
        if (data?.at === 'Yh' && perm === '1,0,2') return [{ kind: 'data', form: { ...data, at: 'YhBatch' } }];
        if (data?.at === 'Y' && perm === '2,0,1,3')
          return [{ kind: 'data', form: { at: 'YBatch', layer: data.layer, D: data.D, H: data.H, reversed: data.reversed } }];
        if (data?.at === 'Y' && perm === '0,2,1,3' && data.D === 2) return [{ kind: 'data', form: { at: 'YTime', layer: data.layer, D: 2, H: data.H } }];
        return fail(`Transpose with perm [${perm}] of a ${data?.at ?? a?.kind} value is not a layout webrnn reads`);
      }
      case 'Squeeze': {
        const axes = axesOf();
        if (data?.at === 'lastStep' && axes?.length === 1 && axes[0] === 0) {
          return [this.lastOutput(data.width, fail)];
        }
        if (data?.at === 'Y' && data.D === 1 && axes?.length === 1 && axes[0] === 1) {
          this.inKerasOrder(data.layer, data.reversed, fail);
          this.sequences(data.layer, true);
          return [{ kind: 'data', form: { at: 'seq', timeMajor: true, width: data.H } }];
        }
        return fail('Squeeze is read of a one-direction Y at axis 1');
      }
      case 'Reshape': {
        const shape = intsOf(b);
        if (!shape) return fail('Reshape needs a constant shape');
        const rest = shape[shape.length - 1];
        if (data?.at === 'YhBatch' && shape.length === 2 && (rest === data.D * data.H || rest === -1)) {
          this.sequences(data.layer, false, 'concat');
          return [{ kind: 'data', form: { at: 'vec', width: data.D * data.H } }];
        }
        if ((data?.at === 'YBatch' || data?.at === 'YTime') && shape.length === 3 && (rest === data.D * data.H || rest === -1)) {
          this.sequences(data.layer, true, 'concat');
          if (data.D === 1) this.inKerasOrder(data.layer, data.at === 'YBatch' && data.reversed, fail);
          return [{ kind: 'data', form: { at: 'seq', timeMajor: data.at === 'YTime', width: data.D * data.H } }];
        }
        return fail("Reshape is read of a recurrent layer's outputs, merging its directions");
      }
      case 'ReduceSum':
      case 'ReduceMean':
      case 'ReduceProd':
      case 'ReduceMax': {
        const axes = axesOf();
        if ((attr(node, 'keepdims') ?? 1) !== 0 || axes?.length !== 1) return fail('a Reduce over one axis without keepdims is read');
        const mode = { ReduceSum: 'sum', ReduceMean: 'ave', ReduceProd: 'mul' }[op as 'ReduceSum'];
        if (data?.at === 'YhBatch' && data.D === 2 && axes[0] === 1 && mode) {
          this.sequences(data.layer, false, mode);
          return [{ kind: 'data', form: { at: 'vec', width: data.H } }];
        }
        if (data?.at === 'YBatch' && data.D === 2 && axes[0] === 2 && mode) {
          this.sequences(data.layer, true, mode);
          return [{ kind: 'data', form: { at: 'seq', timeMajor: false, width: data.H } }];
        }
        if (data?.at === 'seq' && !data.timeMajor && axes[0] === 1 && (op === 'ReduceMean' || op === 'ReduceMax')) {
          this.add(op === 'ReduceMean' ? 'globalAveragePooling1d' : 'globalMaxPooling1d', {}, []);
          return [{ kind: 'data', form: { at: 'vec', width: data.width } }];
        }
        return fail('a Reduce is read as a Bidirectional merge or a global pooling over time');
      }
      case 'LSTM':
      case 'GRU':
      case 'RNN':
        return this.recurrent(node, args, data, fail);
      case 'Gemm': {
        const B = constOf(b);
        const C = constOf(args[2]);
        if (data?.at !== 'vec' || !B || B.dims.length !== 2) return fail('Gemm is read as a Dense layer on [batch, features], with constant weights');
        if (
          (attr(node, 'transA') ?? 0) !== 0 ||
          ((attr(node, 'alpha') as number | undefined) ?? 1) !== 1 ||
          ((attr(node, 'beta') as number | undefined) ?? 1) !== 1
        ) {
          return fail('Gemm with transA, alpha or beta other than 0, 1, 1 has no Dense equivalent');
        }
        const transB = (attr(node, 'transB') ?? 0) === 1;
        const [rows, cols] = B.dims as [number, number];
        const units = transB ? rows : cols;
        const kernel = transB ? transpose(B.data, rows, cols) : Float32Array.from(B.data);
        const w = [{ data: kernel, shape: [data.width, units] }];
        if (C) w.push({ data: Float32Array.from(C.data.length === units ? C.data : new Array(units).fill(C.data[0])), shape: [units] });
        this.add('dense', { units, useBias: !!C }, w);
        return [{ kind: 'data', form: { at: 'vec', width: units } }];
      }
      case 'MatMul': {
        const B = constOf(b);
        const onSequence = data?.at === 'seq' && !data.timeMajor;
        if (!data || !(onSequence || data.at === 'vec') || !B || B.dims.length !== 2) {
          return fail('MatMul is read as a Dense layer on [batch, features] or a batch-major sequence, with constant weights');
        }
        const layer = this.add('dense', { units: B.dims[1], useBias: false }, [{ data: Float32Array.from(B.data), shape: B.dims }]);
        this.pendingBias = layer;
        return [{ kind: 'data', form: onSequence ? { at: 'seq', timeMajor: false, width: B.dims[1]! } : { at: 'vec', width: B.dims[1]! } }];
      }
      case 'Add': {
        // PyTorch writes the bias first or second.
        const [value, C] = a?.kind === 'const' ? [b, constOf(a)] : [a, constOf(b)];
        const form = value?.kind === 'data' ? value.form : null;
        const last = this.layers.length - 1;
        if (this.pendingBias === last && C && (form?.at === 'seq' || form?.at === 'vec')) {
          this.layers[last]!.config.useBias = true;
          const bias = C.data.length === form.width ? C.data : new Array<number>(form.width).fill(C.data[0]!);
          this.weights[last]!.push({ data: Float32Array.from(bias), shape: [form.width] });
          this.pendingBias = null;
          return [value!];
        }
        return fail('Add is read as the bias of the MatMul before it');
      }
      case 'Relu':
      case 'Tanh':
      case 'Sigmoid':
      case 'Softmax': {
        const last = this.layers[this.layers.length - 1];
        if (data && last?.type === 'dense' && !last.config.activation) {
          if (op === 'Softmax' && ![undefined, -1].includes(attr(node, 'axis') as number | undefined) && attr(node, 'axis') !== (data.at === 'vec' ? 1 : 2)) {
            return fail('Softmax is read over the last axis only');
          }
          last.config.activation = op === 'Softmax' ? 'softmax' : ACTIVATIONS[op];
          this.pendingBias = null;
          return [a!];
        }
        return fail('an activation is read only right after a Dense layer (Gemm, MatMul + Add)');
      }
      case 'LayerNormalization': {
        const [scale, bias] = [constOf(b), constOf(args[2])];
        if (!data || !(data.at === 'seq' || data.at === 'vec') || !scale || ![undefined, -1].includes(attr(node, 'axis') as number | undefined)) {
          return fail('LayerNormalization is read over the last axis, with constant scale and bias');
        }
        const epsilon = (attr(node, 'epsilon') as number | undefined) ?? 1e-5;
        const width = data.width;
        this.add('layerNormalization', { epsilon }, [
          { data: Float32Array.from(scale.data), shape: [width] },
          { data: Float32Array.from(bias?.data ?? new Array(width).fill(0)), shape: [width] },
        ]);
        return [a!];
      }
      default:
        return fail(`op ${op} has no webrnn layer; loadOnnxModel reads chain-shaped recurrent graphs (see src/io/onnx/fromOnnx.ts)`);
    }
  }

  /**
   * The last step of a sequence (PyTorch's out[:, -1], tf2onnx's Slice [-1:] + Squeeze): the last output of the
   * forward recurrent layer that made it, so that layer does not return sequences after all.
   */
  private lastOutput(width: number, fail: (why: string) => never): Value {
    const last = this.layers.length - 1;
    const l = this.layers[last];
    if (!l || !LAYER_ORDER.includes(l.type) || l.type === 'bidirectional' || this.cell(last).goBackwards) {
      return fail('the last step of a sequence is read only as the last output of the forward recurrent layer that made it');
    }
    this.sequences(last, false);
    return { kind: 'data', form: { at: 'vec', width } };
  }

  /** Keras returns a lone go_backwards layer's sequence in processing order: ONNX's Y must have been reversed (Slice) for it. */
  private inKerasOrder(layer: number, reversed: boolean, fail: (why: string) => never): void {
    if (reversed !== !!this.cell(layer).goBackwards) fail("a backward layer's sequence must be reversed in time to match Keras (Slice) before it is read");
  }

  private lastTime(): number {
    return this.inputShape[0]! - 1;
  }

  private recurrent(node: Node, args: (Value | null)[], data: Form | null, fail: (why: string) => never): (Value | null)[] {
    const op = node.op_type;
    const [, Wv, Rv, Bv, seqLens, h0, c0] = args;
    if (data?.at !== 'seq' || !data.timeMajor)
      return fail(`${op} is read of a time-major sequence (after Transpose [1, 0, 2] of the input, or a recurrent layer's sequence)`);
    if (seqLens) return fail('sequence_lens (variable lengths) has no webrnn equivalent; export without it');
    if ([h0, c0].some((v) => v && v.kind !== 'zeros'))
      return fail('only zero initial states are read (a stateful or seeded start has no place in a loaded model)');
    for (const unread of ['clip', 'input_forget', 'activation_alpha', 'activation_beta'])
      if (attr(node, unread) !== undefined) return fail(`attribute ${unread} is not read`);
    if ((attr(node, 'layout') ?? 0) !== 0) return fail('layout = 1 (batch-major) is not read');
    const [W, R] = [Wv, Rv].map((v) => (v?.kind === 'const' ? v : null));
    if (!W || !R) return fail('W and R must be constants');
    const B = Bv?.kind === 'const' ? Bv : null;
    const G = GATES[op]!;
    const direction = (attr(node, 'direction') as string | undefined) ?? 'forward';
    const D = direction === 'bidirectional' ? 2 : 1;
    const H = attr(node, 'hidden_size') as number;
    const F = W.dims[2]!;
    if (W.dims[0] !== D || W.dims[1] !== G * H || F !== data.width) return fail(`W is [${W.dims.join(', ')}]; expected [${D}, ${G * H}, ${data.width}]`);
    const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const acts = (attr(node, 'activations') as string[] | undefined) ?? [...defaults, ...(D === 2 ? defaults : [])];
    const per = defaults.length;
    const config: Record<string, unknown> = {};
    for (let d = 0; d < D; d++) {
      const mine = acts.slice(d * per, (d + 1) * per);
      const cellAct = ACTIVATIONS[mine[per - 1]!];
      const gate = ACTIVATIONS[mine[0]!];
      if (!cellAct || (op === 'LSTM' && mine[1] !== mine[2]) || (op !== 'RNN' && !['sigmoid', 'hardSigmoid'].includes(gate!))) {
        return fail(`activations ${mine.join(', ')} have no Keras equivalent`);
      }
      if (d === 1 && (cellAct !== config.activation || (op !== 'RNN' && gate !== config.recurrentActivation)))
        return fail('the two directions use different activations');
      config.activation = cellAct;
      if (op !== 'RNN') config.recurrentActivation = gate;
    }
    const lbr = (attr(node, 'linear_before_reset') ?? 0) === 1;
    if (op === 'GRU') config.resetAfter = lbr;
    config.units = H;
    config.goBackwards = direction === 'reverse';
    const order = op === 'LSTM' ? LSTM_ORDER : Array.from({ length: G }, (_, k) => k);
    const weights: ImportedModel['weights'] = [];
    for (let d = 0; d < D; d++) {
      const kernel = new Float32Array(F * G * H);
      const recurrentKernel = new Float32Array(H * G * H);
      const gruBoth = op === 'GRU' && lbr;
      const bias = new Float32Array(gruBoth ? 2 * G * H : G * H);
      order.forEach((dst, k) => {
        for (let j = 0; j < H; j++) {
          const row = (d * G + k) * H + j;
          for (let f = 0; f < F; f++) kernel[f * G * H + dst * H + j] = W.data[row * F + f]!;
          for (let m = 0; m < H; m++) recurrentKernel[m * G * H + dst * H + j] = R.data[row * H + m]!;
          if (B) {
            const wb = B.data[d * 2 * G * H + k * H + j]!;
            const rb = B.data[d * 2 * G * H + G * H + k * H + j]!;
            if (gruBoth) {
              bias[dst * H + j] = wb;
              bias[G * H + dst * H + j] = rb;
            } else bias[dst * H + j] = wb + rb;
          }
        }
      });
      weights.push({ data: kernel, shape: [F, G * H] }, { data: recurrentKernel, shape: [H, G * H] }, { data: bias, shape: gruBoth ? [2, G * H] : [G * H] });
    }
    const type = LAYER_OF_OP[op]!;
    const layer = D === 2 ? this.add('bidirectional', { layer: { type, config } }, weights) : this.add(type, config, weights);
    return [{ kind: 'data', form: { at: 'Y', layer, D, H, reversed: false } }, { kind: 'data', form: { at: 'Yh', layer, D, H } }, null];
  }

  /** Every recurrent layer must have learned from its consumer whether it returns sequences. */
  finish(out: Form, file: string): void {
    this.layers.forEach((l, i) => {
      if (LAYER_ORDER.includes(l.type) && this.cell(i).returnSequences === undefined) {
        throw new ModelFormatError(`${file}: the output of recurrent layer ${i + 1} (${l.type}) is not read in a way webrnn maps (${out.at})`);
      }
    });
  }
}

const LAYER_ORDER = ['lstm', 'gru', 'simpleRNN', 'bidirectional'];

function transpose(data: readonly number[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}
