/**
 * PyTorch state_dicts ⇄ webrnn (Keras-layout) weights, for nn.LSTM, nn.GRU, nn.RNN (every layer, both
 * directions), nn.Linear and nn.Embedding. The one place where the layouts meet:
 *
 *   PyTorch (per layer k, direction suffix '' or '_reverse')     webrnn / Keras
 *   LSTM  weight_ih_lk [4H, in], gates i, f, g, o            →  kernel [in, 4H] = weight_ihᵀ, gates i, f, c, o (same order)
 *         weight_hh_lk [4H, H]                               →  recurrent_kernel [H, 4H] = weight_hhᵀ
 *         bias_ih_lk + bias_hh_lk [4H]                       →  bias [4H] = their sum (the cell only sees the sum)
 *   GRU   weight_ih_lk [3H, in], gates r, z, n               →  kernel [in, 3H], gates z, r, h (blocks swapped)
 *         bias_ih_lk, bias_hh_lk [3H]                        →  bias [2, 3H]: row 0 input, row 1 recurrent (reset_after)
 *   RNN   weight_ih_lk [H, in], weight_hh_lk [H, H], 2 biases →  kernel, recurrent_kernel, bias = sum
 *   Linear weight [out, in], bias [out]                      →  Dense kernel [in, out], bias [out]
 *   Embedding weight [n, d]                                  →  embeddings [n, d]
 *
 * A stacked module (num_layers > 1) becomes one webrnn layer per PyTorch layer, all but the last with
 * returnSequences; a bidirectional one becomes Bidirectional layers (merge 'concat', forward first), whose
 * weights are forward kernel, recurrent_kernel, bias, then backward. Going back, the LSTM and RNN sum goes to
 * bias_ih and bias_hh is zero (the split is not recoverable; every output is the same); GRU biases are exact.
 */
import { ModelFormatError, ValueError, formatShape } from '../errors';
import type { Tensor } from '../tensor';
import { readSafetensors, writeSafetensors } from './safetensors';
import { describeValue } from './weights';

export type StateDict = Record<string, Tensor>;
export type TorchModuleKind = 'lstm' | 'gru' | 'rnn' | 'linear' | 'embedding';

export interface TorchModuleSpec {
  kind: TorchModuleKind;
  /** The module's key prefix in the state dict, with its dot ('rnn.' for model.rnn); '' for a bare module. */
  prefix?: string;
  /** Recurrent modules: num_layers. From the keys when reading; 1 when writing unless given. */
  numLayers?: number;
  /** Recurrent modules: from the `_reverse` keys when reading; false when writing unless given. */
  bidirectional?: boolean;
  /** Linear: whether it has a bias (from the keys when reading; true when writing unless given). */
  bias?: boolean;
}

export interface TorchConvertOptions {
  /** Throw on state-dict keys that no module uses (default true): a wrong prefix fails loudly. */
  strict?: boolean;
  /** Names the source in errors. */
  file?: string;
}

const GATES: Record<'lstm' | 'gru' | 'rnn', number> = { lstm: 4, gru: 3, rnn: 1 };
const KINDS: readonly TorchModuleKind[] = ['lstm', 'gru', 'rnn', 'linear', 'embedding'];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** [rows, cols] row-major → [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Swaps the first two of three gate blocks along the leading axis (PyTorch r, z, n ⇄ Keras z, r, h); its own inverse. */
function swapFirstTwoBlocks(data: Float32Array, blockLength: number): Float32Array {
  const out = Float32Array.from(data);
  out.set(data.subarray(blockLength, 2 * blockLength), 0);
  out.set(data.subarray(0, blockLength), blockLength);
  return out;
}

function checkSpecs(modules: readonly TorchModuleSpec[], where: string): void {
  if (!Array.isArray(modules) || modules.length === 0)
    throw new ValueError(`${where} expects a non-empty list of modules such as [{ kind: 'lstm', prefix: 'rnn.' }]; got ${describeValue(modules)}`);
  modules.forEach((m, i) => {
    if (!KINDS.includes(m?.kind)) throw new ValueError(`${where}: modules[${i}].kind must be one of ${KINDS.join(', ')}; got ${describeValue(m?.kind)}`);
    if (m.numLayers !== undefined && (!Number.isInteger(m.numLayers) || m.numLayers < 1))
      throw new ValueError(`${where}: modules[${i}].numLayers must be a positive integer; got ${describeValue(m.numLayers)}`);
  });
}

/**
 * Converts a state dict to webrnn weights, in the order `model.setWeights` takes them for the matching layers
 * (per module; stacked and bidirectional modules as described above).
 */
export function fromTorchStateDict(stateDict: StateDict, modules: readonly TorchModuleSpec[], options: TorchConvertOptions = {}): Tensor[] {
  checkSpecs(modules, 'fromTorchStateDict');
  const file = options.file ?? 'state dict';
  const used = new Set<string>();
  const take = (key: string, shape: number[] | null, what: string): Tensor => {
    const t = stateDict[key];
    if (!t) {
      const prefix = key.slice(0, key.lastIndexOf('.') + 1);
      const near = Object.keys(stateDict).filter((k) => k.startsWith(prefix));
      throw new ModelFormatError(
        `${file}: key check failed: ${what} needs "${key}", which is missing; keys with prefix "${prefix}": ${near.length ? near.join(', ') : 'none'} (check the module prefix)`,
      );
    }
    if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new ModelFormatError(`${file}: shape check failed: "${key}" must be ${formatShape(shape)} for ${what}; got ${formatShape(t.shape)}`);
    }
    used.add(key);
    return t;
  };
  const out: Tensor[] = [];
  for (const m of modules) {
    const p = m.prefix ?? '';
    if (m.kind === 'linear') {
      const w = take(`${p}weight`, null, 'nn.Linear');
      if (w.shape.length !== 2)
        throw new ModelFormatError(`${file}: shape check failed: "${p}weight" of nn.Linear must be [out, in]; got ${formatShape(w.shape)}`);
      const [outF, inF] = w.shape as [number, number];
      out.push({ data: transpose(w.data, outF, inF), shape: [inF, outF] });
      const hasBias = m.bias ?? `${p}bias` in stateDict;
      if (hasBias) out.push({ data: Float32Array.from(take(`${p}bias`, [outF], 'nn.Linear').data), shape: [outF] });
      continue;
    }
    if (m.kind === 'embedding') {
      const w = take(`${p}weight`, null, 'nn.Embedding');
      if (w.shape.length !== 2)
        throw new ModelFormatError(
          `${file}: shape check failed: "${p}weight" of nn.Embedding must be [num_embeddings, embedding_dim]; got ${formatShape(w.shape)}`,
        );
      out.push({ data: Float32Array.from(w.data), shape: [...w.shape] });
      continue;
    }
    const gates = GATES[m.kind];
    const moduleName = `nn.${m.kind === 'rnn' ? 'RNN' : m.kind.toUpperCase()}`;
    if (`${p}weight_hr_l0` in stateDict)
      throw new ModelFormatError(`${file}: "${p}weight_hr_l0" is an LSTM with proj_size > 0, which webrnn does not have; export a model without projections`);
    let layers = 0;
    while (`${p}weight_ih_l${layers}` in stateDict) layers++;
    const numLayers = m.numLayers ?? layers;
    if (numLayers === 0) take(`${p}weight_ih_l0`, null, moduleName); // throws, listing the keys there are
    const bidirectional = m.bidirectional ?? `${p}weight_ih_l0_reverse` in stateDict;
    const first = take(`${p}weight_ih_l0`, null, moduleName);
    if (first.shape.length !== 2 || first.shape[0]! % gates !== 0) {
      throw new ModelFormatError(
        `${file}: shape check failed: "${p}weight_ih_l0" of ${moduleName} must be [${gates === 1 ? '' : `${gates}·`}hidden, input]; got ${formatShape(first.shape)}`,
      );
    }
    const H = first.shape[0]! / gates;
    let inputs = first.shape[1]!;
    for (let k = 0; k < numLayers; k++) {
      for (const suffix of bidirectional ? ['', '_reverse'] : ['']) {
        const what = `${moduleName} layer ${k}${suffix ? ' (reverse)' : ''}`;
        const wih = take(`${p}weight_ih_l${k}${suffix}`, [gates * H, inputs], what);
        const whh = take(`${p}weight_hh_l${k}${suffix}`, [gates * H, H], what);
        const hasBias = `${p}bias_ih_l${k}${suffix}` in stateDict || `${p}bias_hh_l${k}${suffix}` in stateDict;
        const zeros = { data: new Float32Array(gates * H), shape: [gates * H] };
        const bih = hasBias ? take(`${p}bias_ih_l${k}${suffix}`, [gates * H], what) : zeros;
        const bhh = hasBias ? take(`${p}bias_hh_l${k}${suffix}`, [gates * H], what) : zeros;
        const reorder = (d: Float32Array, rowLength: number) => (m.kind === 'gru' ? swapFirstTwoBlocks(d, H * rowLength) : d);
        out.push({ data: transpose(reorder(wih.data, inputs), gates * H, inputs), shape: [inputs, gates * H] });
        out.push({ data: transpose(reorder(whh.data, H), gates * H, H), shape: [H, gates * H] });
        if (m.kind === 'gru') {
          const bias = new Float32Array(6 * H);
          bias.set(reorder(bih.data, 1), 0);
          bias.set(reorder(bhh.data, 1), 3 * H);
          out.push({ data: bias, shape: [2, 3 * H] });
        } else {
          out.push({ data: Float32Array.from(bih.data, (v, i) => v + bhh.data[i]!), shape: [gates * H] });
        }
      }
      inputs = H * (bidirectional ? 2 : 1);
    }
  }
  if (options.strict ?? true) {
    const unused = Object.keys(stateDict).filter((k) => !used.has(k));
    if (unused.length > 0) {
      throw new ModelFormatError(
        `${file}: key check failed: no module uses ${unused.map((k) => `"${k}"`).join(', ')}; add the module to the list, fix its prefix, or pass strict: false`,
      );
    }
  }
  return out;
}

/** The inverse of fromTorchStateDict: webrnn weights (as model.getWeights lists them) to a state dict. */
export function toTorchStateDict(weights: readonly Tensor[], modules: readonly TorchModuleSpec[]): StateDict {
  checkSpecs(modules, 'toTorchStateDict');
  const out: StateDict = {};
  let at = 0;
  const next = (what: string, rank: number): Tensor => {
    const t = weights[at];
    if (!t)
      throw new ValueError(
        `toTorchStateDict: ${what} needs weight #${at}, but only ${weights.length} were given; pass the weights of exactly these modules, in model order`,
      );
    if (t.shape.length !== rank) throw new ValueError(`toTorchStateDict: weight #${at} for ${what} must have rank ${rank}; got ${formatShape(t.shape)}`);
    at++;
    return t;
  };
  for (const m of modules) {
    const p = m.prefix ?? '';
    if (m.kind === 'linear') {
      const k = next('nn.Linear (kernel)', 2);
      const [inF, outF] = k.shape as [number, number];
      out[`${p}weight`] = { data: transpose(k.data, inF, outF), shape: [outF, inF] };
      if (m.bias ?? true) out[`${p}bias`] = { data: Float32Array.from(next('nn.Linear (bias)', 1).data), shape: [outF] };
      continue;
    }
    if (m.kind === 'embedding') {
      const e = next('nn.Embedding', 2);
      out[`${p}weight`] = { data: Float32Array.from(e.data), shape: [...e.shape] };
      continue;
    }
    const gates = GATES[m.kind];
    for (let k = 0; k < (m.numLayers ?? 1); k++) {
      for (const suffix of m.bidirectional ? ['', '_reverse'] : ['']) {
        const what = `${m.kind} layer ${k}${suffix}`;
        const kernel = next(`${what} (kernel)`, 2);
        const [inputs, width] = kernel.shape as [number, number];
        const H = width / gates;
        const recurrent = next(`${what} (recurrent_kernel)`, 2);
        if (recurrent.shape[0] !== H || recurrent.shape[1] !== width)
          throw new ValueError(`toTorchStateDict: ${what} recurrent_kernel must be [${H}, ${width}]; got ${formatShape(recurrent.shape)}`);
        const bias = next(`${what} (bias)`, m.kind === 'gru' ? 2 : 1);
        if (size(bias.shape) !== (m.kind === 'gru' ? 2 : 1) * width) {
          throw new ValueError(
            `toTorchStateDict: ${what} bias must be ${m.kind === 'gru' ? `[2, ${width}] (reset_after)` : `[${width}]`}; got ${formatShape(bias.shape)}`,
          );
        }
        const reorder = (d: Float32Array, rowLength: number) => (m.kind === 'gru' ? swapFirstTwoBlocks(d, H * rowLength) : d);
        out[`${p}weight_ih_l${k}${suffix}`] = { data: reorder(transpose(kernel.data, inputs, width), inputs), shape: [width, inputs] };
        out[`${p}weight_hh_l${k}${suffix}`] = { data: reorder(transpose(recurrent.data, H, width), H), shape: [width, H] };
        if (m.kind === 'gru') {
          out[`${p}bias_ih_l${k}${suffix}`] = { data: reorder(bias.data.slice(0, width), 1), shape: [width] };
          out[`${p}bias_hh_l${k}${suffix}`] = { data: reorder(bias.data.slice(width), 1), shape: [width] };
        } else {
          out[`${p}bias_ih_l${k}${suffix}`] = { data: Float32Array.from(bias.data), shape: [width] };
          out[`${p}bias_hh_l${k}${suffix}`] = { data: new Float32Array(width), shape: [width] };
        }
      }
    }
  }
  if (at !== weights.length)
    throw new ValueError(`toTorchStateDict: the modules use ${at} weights but ${weights.length} were given; list every module the weights belong to`);
  return out;
}

/**
 * Reads a state dict from what scripts/export_state_dict.py writes: safetensors bytes, or JSON text (or its
 * parsed object) `{ name: { shape, data } }`; a plain nested array per name is accepted too.
 */
export function readStateDict(source: ArrayBuffer | Uint8Array | string | object, file = 'state dict'): StateDict {
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    // A JSON file starts with '{' (after optional whitespace); safetensors with a binary length.
    const head = new TextDecoder().decode(bytes.subarray(0, 16)).trimStart();
    if (!head.startsWith('{')) return readSafetensors(bytes, file).tensors;
    source = new TextDecoder().decode(bytes);
  }
  let json: unknown = source;
  if (typeof source === 'string') {
    try {
      json = JSON.parse(source);
    } catch (e) {
      throw new ModelFormatError(
        `${file}: JSON check failed: ${(e as Error).message}; expected { name: { shape, data } } as scripts/export_state_dict.py writes it`,
      );
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelFormatError(`${file}: expected an object { name: { shape, data } }; got ${describeValue(json)}`);
  const out: StateDict = {};
  for (const [name, value] of Object.entries(json)) out[name] = jsonTensor(value, `${file}: "${name}"`);
  return out;
}

function jsonTensor(value: unknown, where: string): Tensor {
  let shape: number[];
  let flat: unknown[];
  if (Array.isArray(value) || typeof value === 'number') {
    shape = [];
    for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
    flat = [value].flat(Infinity);
  } else if (typeof value === 'object' && value !== null && Array.isArray((value as { data?: unknown }).data)) {
    shape = (value as { shape?: number[] }).shape ?? [];
    flat = (value as { data: unknown[] }).data;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new ModelFormatError(`${where} has shape ${JSON.stringify(shape)}; expected non-negative integers`);
  } else {
    throw new ModelFormatError(`${where} must be { shape, data } or a nested number array; got ${describeValue(value)}`);
  }
  if (flat.length !== size(shape))
    throw new ModelFormatError(`${where}: shape ${formatShape(shape)} needs ${size(shape)} numbers; got ${flat.length} (ragged or cut short)`);
  const bad = flat.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new ModelFormatError(`${where}: element ${bad} is ${describeValue(flat[bad])}; expected numbers`);
  return { data: Float32Array.from(flat as number[]), shape };
}

/** A state dict as JSON text `{ name: { shape, data } }` (exact: float32 values print as their doubles). */
export function writeStateDictJson(stateDict: StateDict): string {
  return JSON.stringify(Object.fromEntries(Object.entries(stateDict).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }])));
}

/** A state dict as .safetensors bytes. */
export function writeStateDictSafetensors(stateDict: StateDict): ArrayBuffer {
  return writeSafetensors(stateDict);
}
