/**
 * The persistence layer in Node: weight encoding, the integrity record, file:// round trips, every corruption
 * check (each a ModelFormatError naming the file and the check), and saves that fail midway.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelFormatError, ShapeError, ValueError } from '../src/errors';
import { loadArtifacts, memorySink, saveArtifacts } from '../src/io/artifacts';
import { sha256Hex, sha256HexPortable } from '../src/io/sha256';
import type { ModelArtifacts } from '../src/io/types';
import { decodeWeights, encodeWeights } from '../src/io/weights';
import { sampleArtifacts, sampleWeights } from './support/ioFixtures';

// Fault injection for the midway-failure tests: the nth fs.rename from now throws, or never returns (a crash).
const faults = vi.hoisted(() => ({ renames: 0, failAt: 0, mode: 'throw' as 'throw' | 'hang' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof real.rename = async (from, to) => {
    if (++faults.renames === faults.failAt) {
      if (faults.mode === 'hang') return new Promise<void>(() => {});
      throw new Error(`simulated failure at rename #${faults.renames}`);
    }
    return real.rename(from, to);
  };
  return { ...real, rename, default: { ...real, rename } };
});
function failAtRename(n: number, mode: 'throw' | 'hang' = 'throw') {
  Object.assign(faults, { renames: 0, failAt: n, mode });
}
beforeEach(() => failAtRename(0));

const root = await mkdtemp(join(tmpdir(), 'webrnn-io-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `m${++dirCount}`);

/** The model's own fields, as a loaded model must return them (our integrity record stripped). */
function expectSameModel(loaded: ModelArtifacts, saved: ModelArtifacts) {
  expect(loaded.modelTopology).toEqual(saved.modelTopology);
  expect(loaded.weightSpecs).toEqual(saved.weightSpecs);
  expect(new Uint8Array(loaded.weightData)).toEqual(new Uint8Array(saved.weightData));
  expect(loaded.trainingConfig).toEqual(saved.trainingConfig);
  expect(loaded.userDefinedMetadata).toEqual(saved.userDefinedMetadata);
  expect([loaded.format, loaded.generatedBy, loaded.convertedBy]).toEqual(['layers-model', saved.generatedBy, saved.convertedBy]);
}

describe('encodeWeights / decodeWeights', () => {
  it('round-trips float32 bits exactly, little-endian, in list order, keeping the optimizer group', () => {
    const list = [...sampleWeights(), { name: 'odd', tensor: { data: Float32Array.of(1, -0, NaN, Infinity, 1e-45), shape: [5] } }];
    const { weightSpecs, weightData } = encodeWeights(list);
    expect(weightSpecs.map((s) => s.name)).toEqual(list.map((w) => w.name));
    expect(weightSpecs[5]).toEqual({ name: 'iter', shape: [], dtype: 'float32', group: 'optimizer' });
    expect(weightSpecs[0]).not.toHaveProperty('group');
    const odd = new Uint8Array(weightData, weightData.byteLength - 20, 4);
    expect([...odd]).toEqual([0x00, 0x00, 0x80, 0x3f]); // 1.0f little-endian
    const decoded = decodeWeights(weightSpecs, weightData);
    decoded.forEach((w, i) => {
      expect(w.name).toBe(list[i]!.name);
      expect(w.tensor.shape).toEqual(list[i]!.tensor.shape);
      expect(new Uint8Array(w.tensor.data.buffer)).toEqual(new Uint8Array(list[i]!.tensor.data.buffer));
    });
    expect(decoded[6]!.group).toBe('optimizer');
  });

  it("stores int32 weights (TF.js's optimizer `iter`) as little-endian int32 and reads them back as whole floats", () => {
    const { weightSpecs, weightData } = encodeWeights([
      { name: 'iter', tensor: { data: Float32Array.of(70000), shape: [] }, group: 'optimizer', dtype: 'int32' },
    ]);
    expect(weightSpecs).toEqual([{ name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' }]);
    expect(new Int32Array(weightData)[0]).toBe(70000);
    expect(decodeWeights(weightSpecs, weightData)).toEqual([
      { name: 'iter', tensor: { data: Float32Array.of(70000), shape: [] }, group: 'optimizer', dtype: 'int32' },
    ]);
    expect(() => encodeWeights([{ name: 'i', tensor: { data: Float32Array.of(0.5), shape: [] }, dtype: 'int32' }])).toThrow(
      /int32 but holds values that are not 32-bit integers/,
    );
  });

  it('rejects caller mistakes with what was expected and what was given', () => {
    const t = (n: number, shape: number[]) => ({ data: new Float32Array(n), shape });
    expect(() =>
      encodeWeights([
        { name: 'a', tensor: t(4, [2, 2]) },
        { name: 'a', tensor: t(1, [1]) },
      ]),
    ).toThrow(/"a" appears twice/);
    expect(() => encodeWeights([{ name: 'k', tensor: t(5, [2, 2]) }])).toThrow(
      new ShapeError('encodeWeights: weight "k" has shape [2, 2] (4 values) but data holds 5'),
    );
    expect(() => encodeWeights([{ name: 'k', tensor: { data: [1, 2] as never, shape: [2] } }])).toThrow(/needs tensor.data as a Float32Array; got Array/);
    expect(() => encodeWeights([{ name: 'k', tensor: t(1, [1]), group: 'extra' as never }])).toThrow(ValueError);
  });

  it('rejects specs and buffers that disagree, as format errors', () => {
    const { weightSpecs, weightData } = encodeWeights(sampleWeights());
    expect(() => decodeWeights(weightSpecs, weightData.slice(4))).toThrow(
      /weights: byte length check failed: .* need 176 bytes, the file holds 172; it is truncated/,
    );
    expect(() => decodeWeights([{ ...weightSpecs[0]!, dtype: 'bool' as never }], weightData)).toThrow(
      /dtype "bool"; webrnn reads unquantized float32 \(and int32\)/,
    );
    expect(() => decodeWeights([{ ...weightSpecs[0]!, shape: [1, -8] }], weightData)).toThrow(ModelFormatError);
    expect(() => decodeWeights([weightSpecs[4]!, weightSpecs[4]!], new ArrayBuffer(8))).toThrow(/"dense\/bias" is listed twice/);
  });
});

describe('sha256Hex', () => {
  it('matches node:crypto through WebCrypto and through the portable fallback, across padding boundaries', async () => {
    expect(sha256HexPortable(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_001]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 255);
      const want = createHash('sha256').update(bytes).digest('hex');
      expect([await sha256Hex(bytes), sha256HexPortable(bytes)]).toEqual([want, want]);
    }
  });
});

describe('in-memory artifacts', () => {
  it('a sink receives artifacts stamped with the byte length and SHA-256; loading them verifies and strips the stamp', async () => {
    const artifacts = sampleArtifacts();
    const sink = memorySink();
    const result = await saveArtifacts(sink, artifacts);
    const sha = createHash('sha256').update(new Uint8Array(artifacts.weightData)).digest('hex');
    expect(result).toMatchObject({ destination: 'sink', weightsSha256: sha, modelArtifactsInfo: { modelTopologyType: 'JSON', weightDataBytes: 176 } });
    expect(sink.artifacts!.userDefinedMetadata).toEqual({
      note: 'kept through save and load',
      webrnn: { formatVersion: 1, weightsBytes: 176, weightsSha256: sha },
    });
    expectSameModel(await loadArtifacts(sink.artifacts!), artifacts);
    new Uint8Array(sink.artifacts!.weightData)[9]! ^= 0x10;
    await expect(loadArtifacts(sink.artifacts!)).rejects.toThrow(
      /in-memory artifacts \(weightData\): SHA-256 check failed: expected [0-9a-f]{64} \(recorded in in-memory artifacts\), got/,
    );
  });

  it('a save re-stamps artifacts that carry a stale record, and the sink owns its copy of the weights', async () => {
    const artifacts = sampleArtifacts();
    artifacts.userDefinedMetadata = { webrnn: { formatVersion: 1, weightsBytes: 176, weightsSha256: '0'.repeat(64) } };
    const sink = memorySink();
    await saveArtifacts(sink, artifacts);
    new Float32Array(artifacts.weightData)[0] = 42;
    expect(new Float32Array((await loadArtifacts(sink.artifacts!)).weightData)[0]).not.toBe(42);
  });

  it('checks artifacts before saving, so a sink never receives bad ones', async () => {
    const sink = memorySink();
    const bad = { ...sampleArtifacts(), weightData: new ArrayBuffer(12) };
    await expect(saveArtifacts(sink, bad)).rejects.toThrow(/the artifacts to save \(weightData\): byte length check failed/);
    await expect(saveArtifacts(sink, { ...sampleArtifacts(), modelTopology: null as never })).rejects.toThrow(/"modelTopology" must be a JSON object/);
    expect(sink.artifacts).toBeNull();
  });
});

describe('file://', () => {
  it('writes model.json + weights.bin in the layout tf.loadLayersModel reads, and loads them back', async () => {
    const dir = freshDir();
    const artifacts = sampleArtifacts();
    const result = await saveArtifacts(`file://${dir}`, artifacts);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest', 'trainingConfig', 'userDefinedMetadata']);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]);
    expect(json.userDefinedMetadata.webrnn).toEqual({ formatVersion: 1, weightsBytes: 176, weightsSha256: result.weightsSha256 });
    expect(new Uint8Array(await readFile(join(dir, 'weights.bin')))).toEqual(new Uint8Array(artifacts.weightData));
    expectSameModel(await loadArtifacts(`file://${dir}`), artifacts);
    expectSameModel(await loadArtifacts(`file://${dir}/model.json`), artifacts);
  });

  it('overwrites an earlier save in place', async () => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts(1));
    await saveArtifacts(`file://${dir}/model.json`, sampleArtifacts(2));
    expectSameModel(await loadArtifacts(`file://${dir}`), sampleArtifacts(2));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('loads a model.json written by TF.js (no webrnn record, weights in two shards) without the hash check', async () => {
    const dir = freshDir();
    const { weightSpecs, weightData } = sampleArtifacts();
    const json = {
      modelTopology: sampleArtifacts().modelTopology,
      weightsManifest: [
        { paths: ['group1-shard1of2.bin'], weights: weightSpecs.slice(0, 3) },
        { paths: ['./group1-shard2of2.bin'], weights: weightSpecs.slice(3) },
      ],
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
    };
    await rm(dir, { recursive: true, force: true });
    await saveArtifacts(`file://${dir}`, sampleArtifacts()); // creates the directory
    await rm(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await writeFile(join(dir, 'group1-shard1of2.bin'), new Uint8Array(weightData, 0, 4 * 32));
    const flipped = new Uint8Array(weightData.slice(4 * 32));
    flipped[0]! ^= 1; // no hash to catch it: TF.js files get every check but that one
    await writeFile(join(dir, 'group1-shard2of2.bin'), flipped);
    const loaded = await loadArtifacts(`file://${dir}`);
    expect(loaded.weightSpecs).toEqual(weightSpecs);
    expect([loaded.generatedBy, loaded.convertedBy, loaded.userDefinedMetadata]).toEqual(['keras v2.15.0', 'TensorFlow.js Converter v4.22.0', undefined]);
    expect(new Uint8Array(loaded.weightData, 4 * 32)).toEqual(flipped);
  });

  type Corruption = [what: string, file: 'model.json' | 'weights.bin', edit: (text: string, bytes: Uint8Array) => string | Uint8Array, message: RegExp];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each corruption reaches anywhere into model.json
  const editJson = (f: (j: any) => void) => (text: string) => {
    const j = JSON.parse(text);
    f(j);
    return JSON.stringify(j);
  };
  const corruptions: Corruption[] = [
    [
      'truncated weights',
      'weights.bin',
      (_, b) => b.slice(0, -4),
      /weights\.bin: byte length check failed: .*need 176 bytes, the file holds 172; it is truncated/,
    ],
    ['padded weights', 'weights.bin', (_, b) => Uint8Array.from([...b, 0, 0, 0, 0]), /weights\.bin: byte length check failed: .*holds 180; it is padded/],
    [
      'a flipped bit',
      'weights.bin',
      (_, b) => b.map((x, i) => (i === 77 ? x ^ 0x04 : x)),
      /weights\.bin: SHA-256 check failed: expected [0-9a-f]{64} \(recorded in .*model\.json\)/,
    ],
    [
      'HTML for weights.bin',
      'weights.bin',
      () => new TextEncoder().encode('<!DOCTYPE html><html>404 Not Found</html>'),
      /weights\.bin: byte length check failed: .*it holds HTML/,
    ],
    [
      'HTML for model.json',
      'model.json',
      () => '<!DOCTYPE html>\n<html><body>Not found</body></html>',
      /model\.json: JSON check failed: expected model\.json, got HTML \("<!DOCTYPE html>/,
    ],
    ['cut-off JSON', 'model.json', (t) => t.slice(0, 200), /model\.json: JSON check failed: .*Re-save or re-download/],
    ['a JSON array', 'model.json', () => '[]', /model\.json: expected a JSON object with modelTopology and weightsManifest; got an array/],
    [
      'no modelTopology',
      'model.json',
      editJson((j) => delete j.modelTopology),
      /model\.json: key check failed: "modelTopology" must be a JSON object .*; got nothing/,
    ],
    ['no weightsManifest', 'model.json', editJson((j) => delete j.weightsManifest), /model\.json: key check failed: "weightsManifest" must be an array/],
    ['no paths', 'model.json', editJson((j) => (j.weightsManifest[0].paths = [])), /key check failed: "weightsManifest\[0\]\.paths"/],
    [
      'a graph model',
      'model.json',
      editJson((j) => (j.format = 'graph-model')),
      /model\.json: format check failed: format is "graph-model"; webrnn reads 'layers-model'/,
    ],
    [
      'format version 2',
      'model.json',
      editJson((j) => (j.userDefinedMetadata.webrnn.formatVersion = 2)),
      /model\.json: format version check failed: webrnn format version number 2, this webrnn reads version 1\. Upgrade webrnn/,
    ],
    [
      'a fractional shape',
      'model.json',
      editJson((j) => (j.weightsManifest[0].weights[1].shape = [2, 8.5])),
      /model\.json: weight "lstm\/recurrent_kernel" has shape \[2,8\.5\]; a shape must be a list of non-negative integers/,
    ],
    ['a negative shape', 'model.json', editJson((j) => (j.weightsManifest[0].weights[0].shape = [-1, 8])), /weight "lstm\/kernel" has shape \[-1,8\]/],
    [
      'a shape edited',
      'model.json',
      editJson((j) => (j.weightsManifest[0].weights[1].shape = [2, 4])),
      /model\.json: manifest check failed: the weight specs need 144 bytes but the integrity record says 176/,
    ],
    [
      'a string weight',
      'model.json',
      editJson((j) => (j.weightsManifest[0].weights[2].dtype = 'string')),
      /weight "lstm\/bias" is dtype "string"; webrnn reads unquantized float32 \(and int32\) weights only/,
    ],
    [
      'a quantized weight',
      'model.json',
      editJson((j) => (j.weightsManifest[0].weights[2].quantization = { dtype: 'uint8' })),
      /weight "lstm\/bias" is quantized/,
    ],
    [
      'duplicate names',
      'model.json',
      editJson((j) => (j.weightsManifest[0].weights[4].name = 'dense/kernel')),
      /model\.json: weight "dense\/kernel" is listed twice \(duplicate weight names\)/,
    ],
    [
      'a path outside the directory',
      'model.json',
      editJson((j) => (j.weightsManifest[0].paths = ['../elsewhere.bin'])),
      /model\.json: path check failed: weights path .*elsewhere\.bin lies outside/,
    ],
    [
      'a missing weights file',
      'model.json',
      editJson((j) => (j.weightsManifest[0].paths = ['gone.bin'])),
      /gone\.bin: file check failed: a weights file listed in .*model\.json does not exist/,
    ],
  ];

  it.each(corruptions)('detects %s in %s', async (_what, file, edit, message) => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts());
    const path = join(dir, file);
    const bytes = new Uint8Array(await readFile(path));
    await writeFile(path, edit(new TextDecoder().decode(bytes), bytes));
    const error = await loadArtifacts(`file://${dir}`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(dir); // names the file by its full path
  });

  it('reports a directory with no model', async () => {
    await expect(loadArtifacts(`file://${freshDir()}`)).rejects.toThrow(/model\.json: file check failed: the model file does not exist\. Save there first/);
  });
});

describe('a save that fails midway', () => {
  async function savedDir() {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts(1));
    return dir;
  }

  it('after the temp files are written and verified: the previous model stays, the temp files go', async () => {
    const dir = await savedDir();
    failAtRename(1);
    await expect(saveArtifacts(`file://${dir}`, sampleArtifacts(2))).rejects.toThrow('simulated failure at rename #1');
    expectSameModel(await loadArtifacts(`file://${dir}`), sampleArtifacts(1));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('after weights.bin was replaced: the old weights are restored', async () => {
    const dir = await savedDir();
    failAtRename(2);
    await expect(saveArtifacts(`file://${dir}`, sampleArtifacts(2))).rejects.toThrow('simulated failure at rename #2');
    expectSameModel(await loadArtifacts(`file://${dir}`), sampleArtifacts(1));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('a crash between the two renames: the old model.json loads with the kept weights.bin.prev, and the next save cleans up', async () => {
    const dir = await savedDir();
    failAtRename(2, 'hang');
    void saveArtifacts(`file://${dir}`, sampleArtifacts(2)); // never settles, like a killed process
    await vi.waitFor(async () => expect(faults.renames).toBe(2));
    const names = (await readdir(dir)).filter((n) => !n.endsWith('.tmp')).sort();
    expect(names).toEqual(['model.json', 'weights.bin', 'weights.bin.prev']);
    expectSameModel(await loadArtifacts(`file://${dir}`), sampleArtifacts(1));
    failAtRename(0);
    await saveArtifacts(`file://${dir}`, sampleArtifacts(3));
    expectSameModel(await loadArtifacts(`file://${dir}`), sampleArtifacts(3));
    expect((await readdir(dir)).filter((n) => !n.endsWith('.tmp')).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it.each([1, 2])('into an empty directory, at rename #%i: nothing is left behind', async (n) => {
    const dir = freshDir();
    failAtRename(n);
    await expect(saveArtifacts(`file://${dir}`, sampleArtifacts())).rejects.toThrow('simulated failure');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('routing', () => {
  it('names the supported schemes for an unknown one, and the browser-only ones in Node', async () => {
    await expect(saveArtifacts('gs://bucket/model', sampleArtifacts())).rejects.toThrow(
      new ValueError('cannot save to "gs://bucket/model": supported schemes are indexeddb://…, downloads://…, file://… (file:// in Node only).'),
    );
    await expect(loadArtifacts('./model')).rejects.toThrow(/cannot load from "\.\/model": supported schemes are indexeddb:\/\/…, file:\/\/…/);
    await expect(loadArtifacts('downloads://m')).rejects.toThrow(
      /downloads:\/\/ only saves; load the downloaded files with loadArtifacts\(\[jsonFile, weightsFile\]\)/,
    );
    await expect(saveArtifacts('downloads://m', sampleArtifacts())).rejects.toThrow(/downloads:\/\/ needs a browser page/);
    await expect(saveArtifacts('indexeddb://m', sampleArtifacts())).rejects.toThrow(/indexeddb:\/\/ needs a browser with IndexedDB/);
    await expect(saveArtifacts(42 as never, sampleArtifacts())).rejects.toThrow(/expects a URL .* or an object with save\(artifacts\); got number 42/);
  });
});

describe('picked File objects', () => {
  async function filesOf(dir: string, jsonName: string, weightsName: string) {
    return [new File([await readFile(join(dir, 'model.json'))], jsonName), new File([await readFile(join(dir, 'weights.bin'))], weightsName)];
  }

  it('loads model.json + weights in either order, even when the browser renamed the weights file', async () => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts());
    const [json, weights] = await filesOf(dir, 'model.json', 'weights (1).bin');
    expectSameModel(await loadArtifacts([weights!, json!]), sampleArtifacts());
  });

  it('rejects a wrong selection and corrupted weights, naming the files', async () => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts());
    const [json, weights] = await filesOf(dir, 'model.json', 'weights.bin');
    await expect(loadArtifacts([json!])).rejects.toThrow(
      /model\.json: file check failed: it lists weights file "weights\.bin", which was not among the files given \(\[\]\)/,
    );
    await expect(loadArtifacts([json!, json!])).rejects.toThrow(/needs exactly one \.json file .*; got 2 \.json files/);
    const bytes = new Uint8Array(await weights!.arrayBuffer());
    bytes[3]! ^= 0x80;
    await expect(loadArtifacts([json!, new File([bytes], 'weights.bin')])).rejects.toThrow(/^weights\.bin: SHA-256 check failed/);
  });
});

describe('http(s):// and relative URLs (a model.json as TF.js apps serve it)', () => {
  /** Serves the files of `dir` at https://models.example/m/<file>, recording what was asked for. */
  function serve(dir: string, broken: Record<string, number | 'network'> = {}) {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (input: URL | string) => {
      const url = new URL(String(input));
      asked.push(url.href);
      const file = url.pathname.replace(/^\/m\//, '');
      const status = broken[file];
      if (status === 'network') throw new TypeError('Failed to fetch');
      if (status !== undefined) return new Response('missing', { status, statusText: 'Not Found' });
      try {
        return new Response(await readFile(join(dir, file)));
      } catch {
        return new Response('<!doctype html><title>404</title>', { status: 404, statusText: 'Not Found' });
      }
    });
    return asked;
  }
  afterEach(() => vi.unstubAllGlobals());

  it('fetches model.json, then the weights files it lists relative to its own URL, and verifies them', async () => {
    const dir = freshDir();
    const saved = sampleArtifacts();
    await saveArtifacts(`file://${dir}`, saved);
    const asked = serve(dir);
    const loaded = await loadArtifacts('https://models.example/m/model.json');
    expectSameModel(loaded, saved);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(asked).toEqual([
      'https://models.example/m/model.json',
      ...json.weightsManifest[0].paths.map((p: string) => new URL(p, 'https://models.example/m/').href),
    ]);
  });

  it('checks the integrity record webrnn wrote: a changed weights file is a ModelFormatError', async () => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts());
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const weightsFile = join(dir, json.weightsManifest[0].paths[0]);
    const bytes = await readFile(weightsFile);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(weightsFile, bytes);
    serve(dir);
    await expect(loadArtifacts('https://models.example/m/model.json')).rejects.toThrow(ModelFormatError);
    await expect(loadArtifacts('https://models.example/m/model.json')).rejects.toThrow(/SHA-256|sha256|hash/i);
  });

  it('names the URL and the HTTP status of a missing file, and a network failure', async () => {
    const dir = freshDir();
    await saveArtifacts(`file://${dir}`, sampleArtifacts());
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const weights = json.weightsManifest[0].paths[0] as string;
    serve(dir, { [weights.replace(/^\.\//, '')]: 404 });
    await expect(loadArtifacts('https://models.example/m/model.json')).rejects.toThrow(
      new ModelFormatError(
        `https://models.example/m/${weights.replace(/^\.\//, '')}: fetch failed: a weights file listed in https://models.example/m/model.json answered HTTP 404 Not Found`,
      ),
    );
    vi.unstubAllGlobals();
    serve(dir, { 'model.json': 'network' });
    await expect(loadArtifacts('https://models.example/m/model.json')).rejects.toThrow(
      new ModelFormatError('https://models.example/m/model.json: fetch failed: the model file could not be fetched (Failed to fetch)'),
    );
  });

  it('refuses a relative URL where there is no page to resolve it against (Node), pointing at file://', async () => {
    await expect(loadArtifacts('models/model.json')).rejects.toThrow(ValueError);
    await expect(loadArtifacts('models/model.json')).rejects.toThrow(
      /a relative URL needs a page to resolve against; in Node give file:\/\/models\/model.json/,
    );
  });
});
