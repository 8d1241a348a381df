/**
 * What users install, in the browser: the built dist/webrnn.js (test/browser/packageCases.ts) exports what
 * src/index.ts exports, its errors keep their class names and identities, and a small LSTM trains on WebGPU.
 * The rest of the suite imports src/, which no build step can break; these catch what the build can.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as source from '../src/index';
import { assertFreshDist } from './support/dist';
import { skipGpu, useHarness } from './support/page';

const ERROR_NAMES = [
  'DeviceLimitError',
  'DeviceLostError',
  'DisposedError',
  'ModelFormatError',
  'NonFiniteLossError',
  'OutOfMemoryError',
  'ShapeError',
  'ValueError',
  'WebGPUUnavailableError',
  'WebRnnError',
  'WorkerError',
];

describe.skipIf(skipGpu)('the built package, dist/webrnn.js, in the browser', () => {
  beforeAll(() => assertFreshDist());
  const page = useHarness();

  it('exports every name src/index.ts exports, and the layers and initializers namespaces their factories', async () => {
    const { names, layers, initializers } = await page.call('packageExports');
    expect(names).toEqual(Object.keys(source).sort());
    expect(layers).toEqual(Object.keys(source.layers).sort());
    expect(layers).toEqual(expect.arrayContaining(['lstm', 'gru', 'simpleRNN', 'dense', 'dropout', 'repeatVector', 'layerNormalization']));
    expect(initializers).toEqual(Object.keys(source.initializers).sort());
    expect(initializers).toContain('heNormal');
  });

  it('throws errors that keep their class names and are instances of the exported classes', async () => {
    const r = await page.call('packageErrors');
    expect(r.shape).toMatchObject({ name: 'ShapeError', instanceOf: ['ShapeError', 'WebRnnError'] });
    expect(r.shape!.message).toMatch(/= \[\*, 6, 1\]; got \[5, 6\]/);
    expect(r.value).toMatchObject({ name: 'ValueError', instanceOf: ['ValueError', 'WebRnnError'] });
    expect(r.format).toMatchObject({ name: 'ModelFormatError', instanceOf: ['ModelFormatError', 'WebRnnError'] });
    expect(r.format!.message).toMatch(/it holds HTML/);
    expect(r.disposed).toMatchObject({ name: 'DisposedError', instanceOf: ['DisposedError', 'WebRnnError'] });
    expect(r.constructed.map((c) => c.exported).sort()).toEqual(ERROR_NAMES);
    for (const c of r.constructed) expect(c.name).toBe(c.exported);
  });

  it('trains an LSTM + Dense on WebGPU: the loss falls over 10 epochs', async () => {
    const { loss, predictedShape, dispatches } = await page.call('packageFit');
    expect(loss).toHaveLength(10);
    for (const l of loss) expect(Number.isFinite(l)).toBe(true);
    expect(loss[9]!).toBeLessThan(loss[0]! * 0.5);
    expect(predictedShape).toEqual([32, 1]);
    expect(dispatches).toBeGreaterThan(0);
  });

  it('trains in a worker through remoteModel/serveModel, errors arriving as the package classes', async () => {
    const { loss, shape } = await page.call('packageWorker');
    expect(loss).toHaveLength(10);
    expect(loss[9]!).toBeLessThan(loss[0]! * 0.5);
    expect(shape).toMatchObject({ name: 'ShapeError', instanceOf: ['ShapeError', 'WebRnnError'] });
  });
});
