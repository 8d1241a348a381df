/**
 * The worked ports timed against the TF.js code they came from, in one page (bench/ports.html, driven by
 * `npm run bench -- --ports`): tfjs-examples' lstm-text-generation and jena-weather, each trained for a few
 * epochs by webrnn (demo/ports/) and by TF.js on the same data (./tfjs.ts), and date-conversion-attention (the
 * translate demo's model shape, ./dates.ts) from the same weights, on each TF.js backend asked for.
 *
 * What is timed is an epoch of `fit` as the examples run it, data building included on both sides (webrnn takes
 * the Float32Arrays, TF.js wraps them in tensors): the first epoch apart (it compiles webrnn's pipelines and
 * TF.js's kernels), then the median of the rest. The last epoch's loss is reported to show both sides learn; it
 * is not a comparison of accuracy (the initial weights and TF.js's defaults differ, see the README).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRuntime, type Runtime } from '../../src/index';
import { seededRandom } from '../../src/layers/initializers';
import * as textPort from '../../demo/ports/textGeneration';
import * as weatherPort from '../../demo/ports/jenaWeather';
import { tfjsTextModel, tfjsWeatherModel } from './tfjs';
import { DATES, copyWeights, tfjsDateModel, webrnnDateModel } from './dates';
import { INPUT_LENGTH, OUTPUT_CHARS, OUTPUT_LENGTH, datePairs, splitDays } from '../../demo/translate/dates';
import { setBackend } from '../suite';

export interface PortBenchOptions {
  /** The text to learn (the page gets Moby-Dick from bench.mjs) and seattle-weather.csv. */
  text: string;
  weatherCsv: string;
  /** TF.js backends to time beside webrnn: 'wasm', 'webgl', 'webgpu', 'cpu'. */
  peers: string[];
  /** Timed epochs after the first. */
  epochs: number;
  wasmPath: string;
  /** Which ports: 'text', 'weather', 'dates' (default all). */
  ports?: string[];
}

export interface PortRow {
  port: string;
  engine: string;
  /** What one epoch is. */
  epoch: string;
  firstEpochMs: number;
  /** Median of the timed epochs after the first. */
  epochMs: number;
  lastLoss: number;
}

/** The examples' own settings, except the number of examples per epoch (sized for a 2-core CPU run). */
export const TEXT = { sampleLen: 40, sampleStep: 3, lstmLayerSize: 128, examplesPerEpoch: 2048, batchSize: 128, learningRate: 1e-2, validationSplit: 0.0625 };
export const WEATHER = { lookBack: 30, step: 1, delay: 1, batchSize: 128, batchesPerEpoch: 16 };

const log = (s: string) => console.log(`[bench] ${s}`);

async function timeEpochs(epochs: number, run: () => Promise<number>): Promise<{ firstEpochMs: number; epochMs: number; lastLoss: number }> {
  const times: number[] = [];
  let lastLoss = Number.NaN;
  for (let i = 0; i <= epochs; i++) {
    const t0 = performance.now();
    lastLoss = await run();
    times.push(performance.now() - t0);
  }
  const rest = times.slice(1).sort((a, b) => a - b);
  return { firstEpochMs: times[0]!, epochMs: rest[Math.floor(rest.length / 2)]!, lastLoss };
}

async function textGeneration(rt: Runtime, o: PortBenchOptions, rows: PortRow[]): Promise<void> {
  const epoch = `${TEXT.examplesPerEpoch} windows of ${TEXT.sampleLen} chars, LSTM(${TEXT.lstmLayerSize}), batch ${TEXT.batchSize}`;
  const data = new textPort.TextData(o.text, TEXT.sampleLen, TEXT.sampleStep);
  const model = textPort.createModel(rt, TEXT.sampleLen, data.charSetSize, TEXT.lstmLayerSize);
  textPort.compileModel(model, TEXT.learningRate);
  const fit = async () => (await textPort.fitModel(model, data, 1, TEXT.examplesPerEpoch, TEXT.batchSize, TEXT.validationSplit))[0]!;
  rows.push({ port: 'lstm-text-generation', engine: 'webrnn', epoch, ...(await timeEpochs(o.epochs, fit)) });
  log(`lstm-text-generation webrnn: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
  model.dispose();
  for (const peer of o.peers) {
    if (!(await useBackend(peer))) continue;
    const tfData = new textPort.TextData(o.text, TEXT.sampleLen, TEXT.sampleStep);
    const tfModel = tfjsTextModel(TEXT.sampleLen, tfData.charSetSize, TEXT.lstmLayerSize, TEXT.learningRate);
    const tfFit = async () => {
      const { xs, ys } = tfData.nextDataEpoch(TEXT.examplesPerEpoch);
      const [x, y] = [tf.tensor(xs.data, xs.shape), tf.tensor(ys.data, ys.shape)];
      const h = await tfModel.fit(x, y, { epochs: 1, batchSize: TEXT.batchSize, validationSplit: TEXT.validationSplit });
      tf.dispose([x, y]);
      return h.history.loss![0] as number;
    };
    rows.push({ port: 'lstm-text-generation', engine: `tfjs-${peer}`, epoch, ...(await timeEpochs(o.epochs, tfFit)) });
    log(`lstm-text-generation tfjs-${peer}: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
    tfModel.dispose();
  }
}

async function jenaWeather(rt: Runtime, o: PortBenchOptions, rows: PortRow[]): Promise<void> {
  const { lookBack, step, delay, batchSize, batchesPerEpoch } = WEATHER;
  const data = new weatherPort.WeatherData(o.weatherCsv);
  const steps = Math.floor(lookBack / step);
  const epoch = `${batchesPerEpoch} batches of ${batchSize} windows of ${steps} days, GRU(32), validation on ${data.val.maxRow - data.val.minRow - lookBack} windows`;
  const model = weatherPort.buildModel(rt, 'gru', steps, data.numFeatures);
  let seed = 1;
  const fit = async () => (await weatherPort.trainModel(model, data, lookBack, step, delay, batchSize, 1, batchesPerEpoch, undefined, seed++)).val_loss[0]!;
  rows.push({ port: 'jena-weather (GRU)', engine: 'webrnn', epoch, ...(await timeEpochs(o.epochs, fit)) });
  log(`jena-weather webrnn: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
  model.dispose();
  const valEnds = data.allWindowEnds(data.val, lookBack, delay, step);
  for (const peer of o.peers) {
    if (!(await useBackend(peer))) continue;
    const tfModel = tfjsWeatherModel(steps, data.numFeatures);
    const random = seededRandom(1);
    // As the example trains: fitDataset over tf.data.generator, validation batches from a second one.
    const asTensors = (w: { xs: { data: Float32Array; shape: number[] }; ys: { data: Float32Array; shape: number[] } }) => ({
      xs: tf.tensor(w.xs.data, w.xs.shape),
      ys: tf.tensor(w.ys.data, w.ys.shape),
    });
    const trainData = tf.data.generator(function* () {
      for (;;) yield asTensors(data.windows(data.randomWindowEnds(data.train, lookBack, delay, step, batchSize, random), lookBack, delay, step));
    });
    const valData = tf.data.generator(function* () {
      for (let i = 0; i < valEnds.length; i += batchSize) yield asTensors(data.windows(valEnds.slice(i, i + batchSize), lookBack, delay, step));
    });
    const tfFit = async () => {
      const h = await tfModel.fitDataset(trainData, { epochs: 1, batchesPerEpoch, validationData: valData });
      return h.history.val_loss![0] as number;
    };
    rows.push({ port: 'jena-weather (GRU)', engine: `tfjs-${peer}`, epoch, ...(await timeEpochs(o.epochs, tfFit)) });
    log(`jena-weather tfjs-${peer}: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
    tfModel.dispose();
  }
}

/**
 * date-conversion-attention: the same weights and the same batches (in order) on every engine, so the losses
 * agree as well as the times compare. An epoch is DATES.examplesPerEpoch dates.
 */
async function dateConversion(rt: Runtime, o: PortBenchOptions, rows: PortRow[]): Promise<void> {
  const n = DATES.examplesPerEpoch;
  const epoch = `${n} dates (${INPUT_LENGTH} → ${OUTPUT_LENGTH} chars), LSTM(${DATES.units}) encoder–decoder with attention, batch ${DATES.batchSize}`;
  const data = datePairs(splitDays(10, 3).train.slice(0, n), 1, 5);
  const y = new Float32Array(n * OUTPUT_LENGTH * OUTPUT_CHARS.length);
  data.targets.forEach((k, i) => (y[i * OUTPUT_CHARS.length + k] = 1));
  const shapes = { enc: [n, INPUT_LENGTH], dec: [n, OUTPUT_LENGTH], y: [n, OUTPUT_LENGTH, OUTPUT_CHARS.length] };
  // One set of initial weights for every engine: TF.js's own initializers, on its CPU backend.
  if (!(await useBackend('cpu'))) return;
  const reference = tfjsDateModel(INPUT_LENGTH, OUTPUT_LENGTH);
  const fitArgs = { epochs: 1, batchSize: DATES.batchSize, shuffle: false };
  const webrnn = webrnnDateModel(rt, INPUT_LENGTH, OUTPUT_LENGTH);
  copyWeights(reference, webrnn);
  const x = [
    { data: data.inputs, shape: shapes.enc },
    { data: data.decoderInputs, shape: shapes.dec },
  ];
  const fit = async () => ((await webrnn.fit(x, { data: y, shape: shapes.y }, fitArgs)).history.loss as number[])[0]!;
  rows.push({ port: 'date-conversion-attention', engine: 'webrnn', epoch, ...(await timeEpochs(o.epochs, fit)) });
  log(`date-conversion-attention webrnn: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
  webrnn.dispose();
  const initial = reference.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape }));
  reference.dispose();
  for (const peer of o.peers) {
    if (!(await useBackend(peer))) continue;
    const tfModel = tfjsDateModel(INPUT_LENGTH, OUTPUT_LENGTH);
    tfModel.setWeights(initial.map((w) => tf.tensor(w.data, w.shape)));
    const [xe, xd, ys] = [tf.tensor(data.inputs, shapes.enc), tf.tensor(data.decoderInputs, shapes.dec), tf.tensor(y, shapes.y)];
    const tfFit = async () => (await tfModel.fit([xe, xd], ys, fitArgs)).history.loss![0] as number;
    try {
      rows.push({ port: 'date-conversion-attention', engine: `tfjs-${peer}`, epoch, ...(await timeEpochs(o.epochs, tfFit)) });
      log(`date-conversion-attention tfjs-${peer}: ${rows.at(-1)!.epochMs.toFixed(0)} ms/epoch`);
    } catch (e) {
      // TF.js's wasm backend has no gradient kernel for the embeddings (UnsortedSegmentSum): it cannot train this model.
      log(`date-conversion-attention tfjs-${peer} cannot train the model: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      tf.dispose([xe, xd, ys]);
      tfModel.dispose();
    }
  }
}

async function useBackend(peer: string): Promise<boolean> {
  const problem = await setBackend(peer);
  if (problem) log(`tfjs-${peer} unavailable: ${problem}`);
  return problem === null;
}

export async function runPorts(o: PortBenchOptions): Promise<{ adapter: unknown; tfjs: string; wasmThreads: number | null; rows: PortRow[] }> {
  setWasmPaths(o.wasmPath);
  const rt = await createRuntime({ backend: 'webgpu' });
  const rows: PortRow[] = [];
  try {
    const ports = o.ports ?? ['text', 'weather', 'dates'];
    if (ports.includes('text')) await textGeneration(rt, o, rows);
    if (ports.includes('weather')) await jenaWeather(rt, o, rows);
    if (ports.includes('dates')) await dateConversion(rt, o, rows);
    // The wasm backend's thread count (1 when the page is not cross-origin isolated): what its times rest on.
    const wasmThreads = o.peers.includes('wasm') && (await useBackend('wasm')) ? getThreadsCount() : null;
    return { adapter: rt.adapter, tfjs: tf.version.tfjs, wasmThreads, rows };
  } finally {
    rt.dispose();
  }
}
