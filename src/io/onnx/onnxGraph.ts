/**
 * A small ONNX graph builder and its encoding: nodes, initializers (float32 and int64 constants), the model's
 * input and output, and ModelProto bytes through protobufjs/light and ONNX's own schema (./onnxSchema.ts,
 * generated from ./onnx.proto). Only what src/io/onnx/toOnnx.ts writes; names are unique per graph.
 */
import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from './onnxSchema';

/** TensorProto.DataType. */
export const FLOAT = 1;
export const INT64 = 7;

/** The IR version each opset needs at least (ONNX's versioning table), for opsets 14 to 21. */
const IR_VERSION: Record<number, number> = { 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const OPSETS = Object.keys(IR_VERSION).map(Number);

/** An integer (INT), a string, integers (INTS), strings, or floats wrapped: { f } (FLOAT), { floats } (FLOATS). */
export type Attribute = number | string | number[] | string[] | { f: number } | { floats: number[] };

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
}

export class OnnxGraph {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly used = new Set<string>();

  /** A fresh value name starting with `stem`. */
  name(stem: string): string {
    let n = stem;
    for (let k = 1; this.used.has(n); k++) n = `${stem}_${k}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node; returns its outputs' names (fresh names from `outputs` as stems). */
  node({ op, inputs, outputs, attributes = {} }: NodeSpec): string[] {
    const names = outputs.map((o) => (o === '' ? '' : this.name(o)));
    this.nodes.push({
      op_type: op,
      name: this.name(`${op}_node`),
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)),
    });
    return names;
  }

  /** One output: the common case. */
  op(op: string, inputs: string[], stem: string, attributes?: Record<string, Attribute>): string {
    return this.node({ op, inputs, outputs: [stem], ...(attributes ? { attributes } : {}) })[0]!;
  }

  floats(stem: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.name(stem);
    const values = Float32Array.from(data);
    this.initializers.push({ name, dims, data_type: FLOAT, raw_data: new Uint8Array(values.buffer) });
    return name;
  }

  ints(stem: string, values: number[]): string {
    const name = this.name(stem);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], data_type: INT64, raw_data: new Uint8Array(raw.buffer) });
    return name;
  }

  /** ModelProto bytes: one float input and one float output whose first dimension is the symbolic `batch`. */
  encode(o: { opset: number; input: ValueSpec; output: ValueSpec; name: string; producer: string }): Uint8Array {
    const root = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace);
    const Model = root.lookupType('onnx.ModelProto');
    const model = Model.fromObject({
      ir_version: IR_VERSION[o.opset],
      producer_name: o.producer,
      opset_import: [{ domain: '', version: o.opset }],
      graph: { name: o.name, node: this.nodes, initializer: this.initializers, input: [valueInfo(o.input)], output: [valueInfo(o.output)] },
    });
    return Model.encode(model).finish();
  }
}

export interface ValueSpec {
  name: string;
  elemType: number;
  /** 'batch' for the symbolic batch dimension. */
  shape: (number | 'batch')[];
}

function valueInfo(v: ValueSpec): object {
  return {
    name: v.name,
    type: { tensor_type: { elem_type: v.elemType, shape: { dim: v.shape.map((d) => (d === 'batch' ? { dim_param: 'batch' } : { dim_value: d })) } } },
  };
}

/** AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8. */
function attribute(name: string, v: Attribute): object {
  const bytes = (s: string) => new TextEncoder().encode(s);
  if (typeof v === 'string') return { name, type: 3, s: bytes(v) };
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (!Array.isArray(v)) return 'f' in v ? { name, type: 1, f: v.f } : { name, type: 6, floats: v.floats };
  if (v.every((x) => typeof x === 'string')) return { name, type: 8, strings: (v as string[]).map(bytes) };
  return { name, type: 7, ints: v };
}
