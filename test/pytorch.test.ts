/**
 * PyTorch interop in Node: the committed fixtures (real PyTorch outputs, scripts/make_torch_fixtures.py) converted
 * to webrnn weights and run through the float64 reference stack; safetensors and JSON readers and writers; the
 * round trips PyTorch → webrnn → PyTorch; and every malformed input as a named error.
 */
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../src/errors';
import { fromTorchStateDict, readStateDict, toTorchStateDict, writeStateDictJson, writeStateDictSafetensors, type StateDict } from '../src/io/pytorch';
import { readSafetensors, writeSafetensors } from '../src/io/safetensors';
import { expectClose } from './support/compare';
import { modulesOf, referenceStack, torchBytes, torchCases } from './support/torchFixtures';

/**
 * PyTorch computed in float32 (its own gate order and summation), the reference in float64 from the same
 * float32 weights: six steps of two stacked layers at most, so a few float32 roundings per step.
 */
const TORCH_GOLDEN = { atol: 1e-5, rtol: 1e-5 };

const cases = Object.entries(torchCases.cases);

describe('PyTorch fixtures through the converters', () => {
  it('were made by real PyTorch (version recorded) and cover LSTM, GRU and RNN, stacked and bidirectional', () => {
    expect(torchCases.torch).toMatch(/^\d+\.\d+/);
    expect(new Set(cases.map(([, c]) => c.module))).toEqual(new Set(['LSTM', 'GRU', 'RNN']));
    expect(cases.some(([, c]) => c.bidirectional && c.numLayers > 1)).toBe(true);
  });

  it.each(cases)('%s: webrnn weights reproduce PyTorch outputs', (_name, c) => {
    const sd = readStateDict(torchBytes(c), c.file);
    const weights = fromTorchStateDict(sd, modulesOf(c), { file: c.file });
    expectClose(referenceStack(c, weights), c.y.data, TORCH_GOLDEN, `${c.file} outputs`);
  });

  it.each(cases)('%s: PyTorch → webrnn → PyTorch keeps every weight and the bias sums exactly', (_name, c) => {
    const sd = readStateDict(torchBytes(c), c.file);
    const modules = modulesOf(c);
    const weights = fromTorchStateDict(sd, modules);
    const back = toTorchStateDict(weights, modules);
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [key, t] of Object.entries(sd)) {
      expect(back[key]!.shape, key).toEqual(t.shape);
      const bias = /bias_(ih|hh)_l/.exec(key);
      if (!bias || c.module === 'GRU') {
        expect(back[key]!.data, key).toEqual(t.data);
      } else if (bias[1] === 'ih') {
        // LSTM/RNN cells only see b_ih + b_hh: the sum comes back in bias_ih, bias_hh is zero.
        const other = sd[key.replace('bias_ih', 'bias_hh')]!;
        expect(back[key]!.data, key).toEqual(Float32Array.from(t.data, (v, i) => v + other.data[i]!));
        expect(back[key.replace('bias_ih', 'bias_hh')]!.data.every((v) => v === 0)).toBe(true);
      }
    }
    // ... and from there on every trip is exact, and computes the same outputs.
    const again = fromTorchStateDict(back, modules);
    again.forEach((w, i) => expect(w.data, `weight ${i}`).toEqual(weights[i]!.data));
    expectClose(referenceStack(c, again), c.y.data, TORCH_GOLDEN, 'after the round trip');
  });

  it('swaps the GRU gate blocks r, z, n → z, r, h and keeps both biases as rows of [2, 3u]', () => {
    const H = 1;
    const sd: StateDict = {
      weight_ih_l0: { data: Float32Array.of(1, 2, 3), shape: [3, 1] }, // r, z, n
      weight_hh_l0: { data: Float32Array.of(4, 5, 6), shape: [3, 1] },
      bias_ih_l0: { data: Float32Array.of(7, 8, 9), shape: [3] },
      bias_hh_l0: { data: Float32Array.of(10, 11, 12), shape: [3] },
    };
    const [kernel, recurrent, bias] = fromTorchStateDict(sd, [{ kind: 'gru' }]);
    expect([...kernel!.data]).toEqual([2, 1, 3]);
    expect([...recurrent!.data]).toEqual([5, 4, 6]);
    expect(bias!.shape).toEqual([2, 3 * H]);
    expect([...bias!.data]).toEqual([8, 7, 9, 11, 10, 12]);
  });

  it('transposes LSTM weights without reordering (i, f, g, o is Keras i, f, c, o) and sums the biases', () => {
    const sd: StateDict = {
      weight_ih_l0: { data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), shape: [4, 2] },
      weight_hh_l0: { data: Float32Array.of(1, 1, 1, 1), shape: [4, 1] },
      bias_ih_l0: { data: Float32Array.of(1, 2, 3, 4), shape: [4] },
      bias_hh_l0: { data: Float32Array.of(10, 20, 30, 40), shape: [4] },
    };
    const [kernel, , bias] = fromTorchStateDict(sd, [{ kind: 'lstm' }]);
    expect(kernel!.shape).toEqual([2, 4]);
    expect([...kernel!.data]).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    expect([...bias!.data]).toEqual([11, 22, 33, 44]);
  });

  it('names the missing key, the wrong shape, the unused key, the projection and the wrong weight count', () => {
    const c = torchCases.cases.gru!;
    const sd = readStateDict(torchBytes(c), c.file);
    const { ['rnn.weight_hh_l1']: _gone, ...missing } = sd;
    expect(() => fromTorchStateDict(missing, modulesOf(c), { file: 'gru.json' })).toThrow(
      /^gru\.json: key check failed: nn\.GRU layer 1 needs "rnn\.weight_hh_l1", which is missing; keys with prefix "rnn\.": .*rnn\.weight_ih_l1/,
    );
    const wrong = { ...sd, 'rnn.weight_hh_l0': { data: new Float32Array(15 * 4), shape: [15, 4] } };
    expect(() => fromTorchStateDict(wrong, modulesOf(c))).toThrow(
      /shape check failed: "rnn\.weight_hh_l0" must be \[15, 5\] for nn\.GRU layer 0; got \[15, 4\]/,
    );
    expect(() => fromTorchStateDict(sd, [modulesOf(c)[0]!])).toThrow(/key check failed: no module uses "head\.weight", "head\.bias"/);
    expect(fromTorchStateDict(sd, [modulesOf(c)[0]!], { strict: false })).toHaveLength(6);
    expect(() => fromTorchStateDict(sd, [{ kind: 'gru', prefix: 'encoder.' }])).toThrow(
      /needs "encoder\.weight_ih_l0", which is missing; keys with prefix "encoder\.": none/,
    );
    const proj = { ...sd, 'rnn.weight_hr_l0': { data: new Float32Array(1), shape: [1, 1] } };
    expect(() => fromTorchStateDict(proj, modulesOf(c))).toThrow(/proj_size > 0/);
    expect(() => fromTorchStateDict(sd, [{ kind: 'transformer' as never }])).toThrow(ValueError);
    const weights = fromTorchStateDict(sd, modulesOf(c));
    expect(() => toTorchStateDict(weights.slice(0, 7), modulesOf(c))).toThrow(/needs weight #7, but only 7 were given/);
    expect(() => toTorchStateDict(weights, [modulesOf(c)[0]!])).toThrow(/the modules use 6 weights but 8 were given/);
  });

  it('reads recurrent modules saved without biases (bias=False) as zero biases', () => {
    const sd: StateDict = {
      weight_ih_l0: { data: new Float32Array(3 * 2 * 2).fill(1), shape: [6, 2] },
      weight_hh_l0: { data: new Float32Array(12), shape: [6, 2] },
    };
    const [, , bias] = fromTorchStateDict(sd, [{ kind: 'gru' }]);
    expect(bias!.shape).toEqual([2, 6]);
    expect(bias!.data.every((v) => v === 0)).toBe(true);
  });
});

describe('safetensors', () => {
  const tensors = { a: { data: Float32Array.of(1, -0, NaN, Infinity, 1e-45, 3.5), shape: [2, 3] }, 'b.c': { data: Float32Array.of(7), shape: [] } };

  it('round-trips bits, shapes, order and metadata, with the data 8-byte aligned', () => {
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const read = readSafetensors(bytes, 'x.safetensors');
    expect(Object.keys(read.tensors)).toEqual(['a', 'b.c']);
    expect(new Uint8Array(read.tensors.a!.data.buffer)).toEqual(new Uint8Array(tensors.a.data.buffer));
    expect(read.tensors['b.c']).toEqual(tensors['b.c']);
    expect(read.metadata).toEqual({ format: 'pt' });
    expect(readStateDict(writeStateDictSafetensors(tensors)).a!.shape).toEqual([2, 3]);
  });

  it('reads the file PyTorch exported byte for byte as written by the script (header, offsets)', () => {
    const c = torchCases.cases.lstm!;
    const bytes = torchBytes(c);
    const read = readSafetensors(bytes, c.file).tensors;
    expect(read['rnn.weight_ih_l0']!.shape).toEqual([20, 3]);
    expect(new Uint8Array(writeSafetensors(read))).toEqual(new Uint8Array(bytes));
  });

  function withHeader(header: unknown, data = new Uint8Array(0)): Uint8Array {
    const text = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  }

  it.each([
    [
      'a half-precision tensor',
      withHeader({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /^w\.st: dtype check failed: tensor "w" is "F16"; webrnn reads F32 only/,
    ],
    [
      'a file shorter than its header length',
      withHeader({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).slice(0, 20),
      /header length check failed: the header length says \d+ bytes but only 12 follow/,
    ],
    [
      'a tensor past the end of the data',
      withHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)),
      /byte length check failed: tensor "w" ends at byte 8 of the data but the data holds 4; the file is truncated/,
    ],
    [
      'offsets that disagree with the shape',
      withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /tensor "w" of shape \[3\] needs 12 bytes; its data_offsets span 8/,
    ],
    [
      'overlapping tensors',
      withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /tensors "a" and "b" overlap/,
    ],
    [
      'a header that is not JSON',
      (() => {
        const b = withHeader({});
        b[8] = 0x7a;
        return b;
      })(),
      /JSON header check failed/,
    ],
    ['a 5-byte file', new Uint8Array(5), /starts with an 8-byte header length; the file holds 5 bytes/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes, 'w.st')).toThrow(ModelFormatError);
    expect(() => readSafetensors(bytes, 'w.st')).toThrow(message);
  });
});

describe('state-dict JSON', () => {
  it('round-trips exactly, and takes nested arrays too', () => {
    const sd = { w: { data: Float32Array.of(0.1, -2.5e-7, 3), shape: [3, 1] } };
    const back = readStateDict(writeStateDictJson(sd));
    expect(back.w).toEqual(sd.w);
    expect(
      readStateDict({
        v: [
          [1, 2],
          [3, 4],
        ],
      }).v,
    ).toEqual({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] });
    expect(readStateDict(new TextEncoder().encode(' {"s": 2}')).s).toEqual({ data: Float32Array.of(2), shape: [] });
  });

  it('names the tensor that is ragged, short or not numbers', () => {
    expect(() => readStateDict({ v: [[1, 2], [3]] }, 'sd.json')).toThrow(/^sd\.json: "v": shape \[2, 2\] needs 4 numbers; got 3/);
    expect(() => readStateDict({ v: { shape: [2], data: [1, 'x'] } }, 'sd.json')).toThrow(/"v": element 1 is "x"; expected numbers/);
    expect(() => readStateDict('{"v": ', 'sd.json')).toThrow(/^sd\.json: JSON check failed/);
    expect(() => readStateDict({ v: 'text' }, 'sd.json')).toThrow(ModelFormatError);
  });
});
