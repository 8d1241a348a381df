/**
 * A Sequential (as its layers-model artifacts: topology and weights) as an ONNX model, with ONNX's own
 * recurrent operators, so it runs wherever ONNX Runtime does. The graph keeps the model's batch-major input
 * [batch, timesteps, features] (ids [batch, timesteps] after an Embedding) and its output; in between:
 *
 *   LSTM       ONNX LSTM. Keras's gates i, f, c, o become ONNX's i, o, f, c; kernel [F, 4u] → W [1, 4u, F],
 *              recurrent_kernel [u, 4u] → R [1, 4u, u], bias → Wb, with Rb = 0.
 *   GRU        ONNX GRU, gates z, r, h in both. resetAfter (Keras's default): linear_before_reset = 1 and the
 *              [2, 3u] bias split into Wb and Rb; resetAfter false: linear_before_reset = 0, Rb = 0.
 *   SimpleRNN  ONNX RNN.
 *   go_backwards: direction "reverse", and the sequence reversed in time (Keras returns it in processing order);
 *   Bidirectional: direction "bidirectional"; concat, sum, mul and ave rebuilt from Transpose/Reshape/Reduce*.
 *   Dense      Gemm on [batch, features], MatMul + Add on a sequence; relu, tanh, sigmoid, softmax after it.
 *   Embedding  Gather of the table by the ids (cast to int64). Dropout: nothing (inference).
 *   RepeatVector, GlobalAverage/MaxPooling1D, LayerNormalization, TimeDistributed(Dense): their ONNX ops.
 *
 * ONNX's recurrent operators run time-major, so each is wrapped in Transposes. Refused, with the layer named: a
 * masked model (Masking, Embedding maskZero: Keras's carry-over semantics are not ONNX's sequence_lens), and
 * recurrent activations ONNX lacks. A stateful layer exports as its stateless graph (zero initial states).
 */
import { ModelFormatError, ValueError } from '../../errors';
import { Bidirectional } from '../../layers/bidirectional';
import { Dense } from '../../layers/dense';
import { Dropout, SpatialDropout1D } from '../../layers/dropout';
import { Embedding } from '../../layers/embedding';
import { GRU } from '../../layers/gru';
import type { Layer } from '../../layers/layer';
import { LayerNormalization } from '../../layers/layerNormalization';
import { LSTM } from '../../layers/lstm';
import { Masking } from '../../layers/masking';
import { GlobalAveragePooling1D, GlobalMaxPooling1D } from '../../layers/pooling';
import type { RecurrentLayer } from '../../layers/recurrent';
import { RepeatVector } from '../../layers/repeatVector';
import { SimpleRNN } from '../../layers/simpleRnn';
import { SRU } from '../../layers/sru';
import { EchoState } from '../../layers/echoState';
import { TimeDistributed } from '../../layers/timeDistributed';
import { layersFromTopology } from '../../model/kerasLayers';
import { matchWeights } from '../../model/load';
import type { ModelArtifacts } from '../types';
import { decodeWeights } from '../weights';
import { FLOAT, INT64, OPSETS, OnnxGraph, type Attribute } from './onnxGraph';

export interface OnnxExportOptions {
  /** The ONNX opset to target, 14 to 21 (default 17). */
  opset?: number;
}

/** A value flowing through the graph: its name and its shape after the batch dimension. */
interface Value {
  name: string;
  shape: number[];
}

export function layersModelToOnnx(artifacts: ModelArtifacts, options: OnnxExportOptions = {}, file = 'the model'): Uint8Array {
  const opset = options.opset ?? 17;
  if (!OPSETS.includes(opset))
    throw new ValueError(`toOnnx: opset must be an integer from ${OPSETS[0]} to ${OPSETS[OPSETS.length - 1]}; got ${JSON.stringify(options.opset)}`);
  const { name, layers } = layersFromTopology(artifacts.modelTopology, file);
  const first = layers[0];
  if (!first?.declaredInputShape) throw new ModelFormatError(`${file}: toOnnx needs the first layer's inputShape to write the graph's input`);
  // Each layer's weights, matched by name as loadLayersModel matches them.
  let shape = [...first.declaredInputShape];
  const shapes: number[][] = [];
  const segments = layers.flatMap((layer) => {
    shapes.push(shape);
    const specs = layer.paramSpecs(shape).map((spec) => ({ path: `${layer.name}/${spec.name}`, spec }));
    shape = layer.build(shape);
    return specs;
  });
  const tensors = matchWeights(
    segments,
    decodeWeights(artifacts.weightSpecs, artifacts.weightData, file).filter((w) => w.group !== 'optimizer'),
    file,
    true,
  );
  let w = 0;
  const ctx: Context = { g: new OnnxGraph(), opset, file };
  const g = ctx.g;
  const input: Value = { name: g.name('input'), shape: [...first.declaredInputShape] };
  let x = input;
  layers.forEach((layer, i) => {
    const count = layer.paramSpecs(shapes[i]!).length;
    const weights = tensors.slice(w, w + count).map((t) => Float32Array.from(t.data));
    w += count;
    x = emitLayer(ctx, layer, x, weights);
  });
  const output = g.op('Identity', [x.name], 'output');
  return g.encode({
    opset,
    name,
    producer: 'webrnn',
    input: { name: input.name, elemType: FLOAT, shape: ['batch', ...input.shape] },
    output: { name: output, elemType: FLOAT, shape: ['batch', ...x.shape] },
  });
}

/** What every layer's emitter needs: the graph, the opset (some ops changed signature), the file for messages. */
interface Context {
  g: OnnxGraph;
  opset: number;
  file: string;
}

function emitLayer(ctx: Context, layer: Layer, x: Value, weights: Float32Array[]): Value {
  const { g, file } = ctx;
  const where = `${file}: layer '${layer.name}' (${layer.className})`;
  if (layer instanceof Masking || (layer instanceof Embedding && layer.maskZero)) {
    throw new ModelFormatError(
      `${where}: a masked model has no ONNX equivalent here (Keras carries the state over masked steps; ONNX's sequence_lens only ends sequences early). Export the model without masking`,
    );
  }
  if (layer instanceof Dropout || layer instanceof SpatialDropout1D) return x;
  if (layer instanceof Embedding) {
    const table = g.floats(`${layer.name}_embeddings`, [layer.inputDim, layer.outputDim], weights[0]!);
    const idsInt = g.op('Cast', [x.name], `${layer.name}_ids`, { to: INT64 });
    return { name: g.op('Gather', [table, idsInt], layer.name, { axis: 0 }), shape: [...x.shape, layer.outputDim] };
  }
  if (layer instanceof Dense) return dense(g, layer, x, weights);
  if (layer instanceof TimeDistributed) return dense(g, layer.layer, x, weights);
  const cell = layer instanceof Bidirectional ? layer.forwardLayer : layer;
  if (cell instanceof SRU || cell instanceof EchoState) {
    throw new ModelFormatError(
      `${where}: ONNX has no ${cell.className} operator (its LSTM, GRU and RNN ops are the only recurrent ones); save it with model.save instead`,
    );
  }
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN) return recurrent(ctx, [layer], x, weights, 'concat', where);
  if (layer instanceof Bidirectional) {
    if (layer.forwardLayer.goBackwards) throw new ModelFormatError(`${where}: a Bidirectional whose forward layer goes backwards has no ONNX equivalent`);
    return recurrent(ctx, [layer.forwardLayer, layer.backwardLayer], x, weights, layer.mergeMode, where);
  }
  if (layer instanceof RepeatVector) {
    const expanded = g.op('Unsqueeze', [x.name, g.ints('axis1', [1])], `${layer.name}_unsqueezed`);
    const out = g.op('Expand', [expanded, g.ints(`${layer.name}_shape`, [1, layer.n, 1])], layer.name);
    return { name: out, shape: [layer.n, ...x.shape] };
  }
  if (layer instanceof GlobalAveragePooling1D || layer instanceof GlobalMaxPooling1D) {
    const op = layer instanceof GlobalAveragePooling1D ? 'ReduceMean' : 'ReduceMax';
    // ReduceMax takes its axes as an input only from opset 18; an attribute before. ReduceMean likewise.
    return { name: reduce(ctx, op, x.name, [1], layer.name), shape: x.shape.slice(1) };
  }
  if (layer instanceof LayerNormalization) {
    if (ctx.opset < 17) throw new ModelFormatError(`${where}: ONNX has LayerNormalization from opset 17; export with { opset: 17 } or later`);
    const width = x.shape[x.shape.length - 1]!;
    const gamma = layer.scale ? weights.shift()! : new Float32Array(width).fill(1);
    const beta = layer.center ? weights.shift()! : new Float32Array(width);
    const out = g.op(
      'LayerNormalization',
      [x.name, g.floats(`${layer.name}_gamma`, [width], gamma), g.floats(`${layer.name}_beta`, [width], beta)],
      layer.name,
      { axis: -1, epsilon: { f: layer.epsilon } },
    );
    return { name: out, shape: x.shape };
  }
  throw new ModelFormatError(`${where}: no ONNX export for this layer class yet`);
}

/** Reduce over `axes`, dropping them: axes as an input from opset 18 (ReduceSum from 13), an attribute before. */
function reduce({ g, opset }: Context, op: string, input: string, axes: number[], stem: string): string {
  const asInput = op === 'ReduceSum' || opset >= 18;
  return asInput ? g.op(op, [input, g.ints(`${stem}_axes`, axes)], stem, { keepdims: 0 }) : g.op(op, [input], stem, { axes, keepdims: 0 });
}

const DENSE_OPS: Record<string, string | null> = { linear: null, relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', softmax: 'Softmax' };

function dense(g: OnnxGraph, layer: Dense, x: Value, weights: Float32Array[]): Value {
  const inputs = x.shape[x.shape.length - 1]!;
  const kernel = g.floats(`${layer.name}_kernel`, [inputs, layer.units], weights[0]!);
  const bias = layer.useBias ? g.floats(`${layer.name}_bias`, [layer.units], weights[1]!) : null;
  let out: string;
  if (x.shape.length === 1) {
    out = g.op('Gemm', bias ? [x.name, kernel, bias] : [x.name, kernel], `${layer.name}_linear`);
  } else {
    out = g.op('MatMul', [x.name, kernel], `${layer.name}_matmul`);
    if (bias) out = g.op('Add', [out, bias], `${layer.name}_linear`);
  }
  const op = DENSE_OPS[layer.activation];
  if (op) out = g.op(op, [out], layer.name, op === 'Softmax' ? { axis: -1 } : undefined);
  return { name: out, shape: [...x.shape.slice(0, -1), layer.units] };
}

const CELL_OPS: Record<string, string> = { tanh: 'Tanh', relu: 'Relu', sigmoid: 'Sigmoid', hardSigmoid: 'HardSigmoid' };

/** Keras LSTM gate blocks i, f, c, o → ONNX i, o, f, c. */
const LSTM_ORDER = [0, 3, 1, 2];

/**
 * One ONNX LSTM/GRU/RNN node for one layer (one direction) or a Bidirectional's two (forward, then backward),
 * with the Transposes around it and the merge of the two directions.
 */
function recurrent(ctx: Context, cells: RecurrentLayer[], x: Value, weights: Float32Array[], mergeMode: string, where: string): Value {
  const g = ctx.g;
  const cell = cells[0]!;
  const [T, F] = x.shape as [number, number];
  const u = cell.units;
  const D = cells.length;
  const op = cell instanceof LSTM ? 'LSTM' : cell instanceof GRU ? 'GRU' : 'RNN';
  const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const names = (l: RecurrentLayer) => {
    const act = CELL_OPS[l.activation];
    if (!act)
      throw new ModelFormatError(
        `${where}: activation '${l.activation}' has no ONNX recurrent activation that ONNX Runtime runs the same way; use tanh, relu or sigmoid`,
      );
    if (op === 'RNN') return [act];
    const gate = CELL_OPS[(l as LSTM | GRU).recurrentActivation]!;
    return op === 'LSTM' ? [gate, act, act] : [gate, act];
  };
  const W = new Float32Array(D * gates * u * F);
  const R = new Float32Array(D * gates * u * u);
  const B = new Float32Array(D * 2 * gates * u);
  cells.forEach((l, d) => {
    const [kernel, recurrentKernel, bias] = l.useBias ? weights.slice(3 * d, 3 * d + 3) : [weights[2 * d]!, weights[2 * d + 1]!, null];
    const order = op === 'LSTM' ? LSTM_ORDER : Array.from({ length: gates }, (_, k) => k);
    // ONNX block k is Keras block order[k]; W[d, k·u + j, f] = kernel[f, order[k]·u + j].
    order.forEach((src, k) => {
      for (let j = 0; j < u; j++) {
        const row = (d * gates + k) * u + j;
        for (let f = 0; f < F; f++) W[row * F + f] = kernel![f * gates * u + src * u + j]!;
        for (let m = 0; m < u; m++) R[row * u + m] = recurrentKernel![m * gates * u + src * u + j]!;
        if (bias) {
          const base = d * 2 * gates * u;
          B[base + k * u + j] = bias[src * u + j]!;
          // GRU resetAfter's bias is [2, 3u]: the input half, then the recurrent half (ONNX's Rb).
          if (op === 'GRU' && (l as GRU).resetAfter) B[base + gates * u + k * u + j] = bias[gates * u + src * u + j]!;
        }
      }
    });
  });
  const stem = cells.map((l) => l.name).join('_');
  const time = g.op('Transpose', [x.name], `${stem}_time_major`, { perm: [1, 0, 2] });
  const direction = D === 2 ? 'bidirectional' : cell.goBackwards ? 'reverse' : 'forward';
  const attributes: Record<string, Attribute> = { hidden_size: u, direction, activations: cells.flatMap(names) };
  if (op === 'GRU') attributes.linear_before_reset = (cell as GRU).resetAfter ? 1 : 0;
  const [Y, Yh] = g.node({
    op,
    inputs: [time, g.floats(`${stem}_W`, [D, gates * u, F], W), g.floats(`${stem}_R`, [D, gates * u, u], R), g.floats(`${stem}_B`, [D, 2 * gates * u], B)],
    outputs: [`${stem}_Y`, `${stem}_Y_h`],
    attributes,
  }) as [string, string];
  const width = D === 2 && mergeMode === 'concat' ? 2 * u : u;
  if (cell.returnSequences) {
    let seq = Y; // [T, D, B, u], in input time order for either direction
    // Keras returns a lone go_backwards layer's sequence in processing order: reversed in time.
    if (D === 1 && cell.goBackwards)
      seq = g.op('Slice', [seq, g.ints('start', [-1]), g.ints('end', [-(2 ** 53)]), g.ints('axis0', [0]), g.ints('step', [-1])], `${stem}_reversed`);
    const batchMajor = g.op('Transpose', [seq], `${stem}_batch_major`, { perm: [2, 0, 1, 3] }); // [B, T, D, u]
    return { name: merge(ctx, batchMajor, 2, D, mergeMode, [0, 0, width], stem), shape: [T, width] };
  }
  const last = g.op('Transpose', [Yh], `${stem}_last`, { perm: [1, 0, 2] }); // [B, D, u]
  return { name: merge(ctx, last, 1, D, mergeMode, [0, width], stem), shape: [width] };
}

/** The D directions at `axis` into one output: concatenated (a Reshape) or reduced (sum, product, mean). */
function merge(ctx: Context, value: string, axis: number, D: number, mode: string, concatShape: number[], stem: string): string {
  if (D === 1 || mode === 'concat') return ctx.g.op('Reshape', [value, ctx.g.ints(`${stem}_shape`, concatShape)], stem);
  const op = ({ sum: 'ReduceSum', mul: 'ReduceProd', ave: 'ReduceMean' } as Record<string, string>)[mode]!;
  return reduce(ctx, op, value, [axis], stem);
}
