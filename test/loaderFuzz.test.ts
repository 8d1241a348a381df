/**
 * Every model-file loader under seeded mutation (fast-check): truncations, bit flips, overwritten bytes (huge
 * sizes and counts), inserted and deleted runs. Each mutated file must load, or fail with one of webrnn's typed
 * errors (WebRnnError: ModelFormatError, ValueError, ShapeError…) naming the file; never a TypeError, RangeError
 * or library-internal error, and never a hang (each loader is synchronous or awaited here, under the test's
 * timeout). RUNS mutations per loader; the README's reliability table reports the counts.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebRnnError } from '../src/errors';
import { onnxToLayers } from '../src/io/onnx/fromOnnx';
import { kerasArchiveArtifacts, kerasH5Artifacts } from '../src/io/kerasH5';
import { fromModelJson, parseModelJson, toModelJson, verifyArtifacts } from '../src/io/modelJson';
import { readStateDict } from '../src/io/pytorch';
import { readSafetensors } from '../src/io/safetensors';
import { decodeWeights } from '../src/io/weights';
import { layersFromTopology } from '../src/model/kerasLayers';
import { sampleArtifacts } from './support/ioFixtures';

/** Mutations per loader. */
export const RUNS = Number(process.env.WEBRNN_FUZZ_RUNS ?? 10_000);

const fixture = (path: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${path}`, import.meta.url)));

/** One mutation of `bytes`, chosen and placed by fast-check. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bit: fc.integer({ min: 0, max: 7 }),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('huge' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 64 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.min(bytes.length - 1, Math.floor(m.at * bytes.length));
  const out = bytes.slice();
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, at);
    case 'flip':
      for (let i = 0; i < m.count && at + i < out.length; i++) out[at + i]! ^= 1 << m.bit;
      return out;
    case 'overwrite':
      out.set(m.bytes.subarray(0, out.length - at), at);
      return out;
    case 'huge':
      // A little-endian 0x7fffffff, where a size or count may sit.
      out.set([0xff, 0xff, 0xff, 0x7f].slice(0, out.length - at), at);
      return out;
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.length)]);
  }
}

/** Runs `load` on RUNS mutations of `bytes`; returns how many loaded, and how many failed with a typed error. */
async function fuzz(bytes: Uint8Array, seed: number, load: (b: Uint8Array) => unknown) {
  const counts = { loaded: 0, typed: 0 };
  await fc.assert(
    fc.asyncProperty(mutation, async (m) => {
      try {
        await load(mutate(bytes, m));
        counts.loaded++;
      } catch (e) {
        if (!(e instanceof WebRnnError)) throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message} after ${JSON.stringify(m)}`, { cause: e });
        counts.typed++;
      }
    }),
    { numRuns: RUNS, seed },
  );
  expect(counts.loaded + counts.typed).toBe(RUNS);
  console.info(`fuzz ${JSON.stringify(counts)}`);
  return counts;
}

const decoder = new TextDecoder();

describe(`every loader, ${RUNS} seeded mutations each: loads or fails with a typed error`, () => {
  it('layers-model JSON and weights (model.json + weights.bin)', async () => {
    const artifacts = sampleArtifacts(1);
    const json = new TextEncoder().encode(JSON.stringify(toModelJson(artifacts, 'weights.bin')));
    const weights = new Uint8Array(artifacts.weightData);
    const both = Uint8Array.from([...json, 0, ...weights]);
    await fuzz(both, 1, async (b) => {
      const split = b.indexOf(0);
      const text = decoder.decode(split >= 0 ? b.subarray(0, split) : b);
      const parsed = parseModelJson(text, 'model.json');
      const data = split >= 0 ? b.slice(split + 1).buffer : new ArrayBuffer(0);
      // What loadArtifacts does with the two files: parse, join, verify (sizes, the SHA-256), then the layers.
      const a = await verifyArtifacts(fromModelJson(parsed, data), { json: 'model.json', weights: 'weights.bin' });
      decodeWeights(a.weightSpecs, a.weightData, 'weights.bin');
      layersFromTopology(a.modelTopology as never, 'model.json');
    });
  }, 300_000);

  it('safetensors', async () => {
    await fuzz(fixture('torch/lstm.safetensors'), 2, (b) => readSafetensors(b, 'lstm.safetensors'));
  }, 300_000);

  it('PyTorch state-dict JSON', async () => {
    await fuzz(fixture('torch/gru.json'), 3, (b) => readStateDict(decoder.decode(b), 'gru.json'));
  }, 300_000);

  it('ONNX', async () => {
    await fuzz(fixture('onnx/gru_bidirectional_final.onnx'), 4, (b) => onnxToLayers(b, 'gru.onnx'));
  }, 300_000);

  it('Keras .h5', async () => {
    await fuzz(fixture('keras/rnn_104.h5'), 5, async (b) => {
      const a = await kerasH5Artifacts(b, 'rnn.h5');
      layersFromTopology(a.modelTopology, 'rnn.h5');
    });
  }, 600_000);

  it('Keras 3 .keras', async () => {
    await fuzz(fixture('keras/emg_gru_keras392.keras'), 6, (b) => kerasArchiveArtifacts(b, 'emg.keras'));
  }, 600_000);
});
