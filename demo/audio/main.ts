/**
 * Audio page: spoken digits heard by a GRU trained in this tab. The training clips are synthesized by espeak-ng
 * (makeSpokenDigits.mjs: 6 accents × 4 voices × 2 speeds × 2 pitches); every clip of one accent is held out, so
 * the held-out accuracy is on an accent the model never heard. Features (MFCC frames, features.ts) are computed
 * here, for the clips and for what you record or drop, the same way.
 */
import 'uplot/dist/uPlot.min.css';
import type uPlot from 'uplot';
import type { RemoteModel } from '../../src/index';
import { COLORS, curveColumns, drawCurves, type Curve } from '../lib/charts';
import {
  $,
  applyEpochsParam,
  batchProgressLine,
  boot,
  clearError,
  input,
  intValue,
  openModel,
  params,
  quick,
  setState,
  showError,
  showSpeed,
} from '../lib/page';
import { trainingClock } from '../lib/speed';
import { COEFFICIENTS, clipFeatures, confusionMatrix, featureStats, toBatch, type FeatureStats } from './features';
import type { DigitModelSpec } from './model';
import { decodeAudio, loadSpokenDigits, record, type ClipIndex } from './sound';

/** The accent no training clip is in: the held-out part. */
const HELD_OUT_ACCENT = 'en-029';
const BATCH = 32;

let data: { index: ClipIndex; features: Float32Array[][] } | null = null;
let trained: { model: RemoteModel; stats: FeatureStats; frames: number } | null = null;
const trainButton = $('train') as HTMLButtonElement;
const recordButton = $('record') as HTMLButtonElement;

async function train(): Promise<void> {
  if (!data) return;
  clearError();
  trainButton.disabled = recordButton.disabled = input('wav').disabled = true;
  trained?.model.dispose();
  trained = null;
  let model: RemoteModel | null = null;
  try {
    const epochs = intValue('epochs');
    const units = intValue('units');
    // ?quick=1: a quarter of the clips (one speed, one pitch), for tests on CPU-emulated WebGPU.
    const use = data.index.clips.map((c, i) => ({ ...c, i })).filter((c) => !quick || (c.speed === 200 && c.pitch === 65));
    const trainClips = use.filter((c) => c.accent !== HELD_OUT_ACCENT);
    const testClips = use.filter((c) => c.accent === HELD_OUT_ACCENT);
    const stats = featureStats(trainClips.map((c) => data!.features[c.i]!));
    const frames = Math.max(...trainClips.map((c) => data!.features[c.i]!.length));
    const batch = (clips: typeof use) =>
      toBatch(
        clips.map((c) => data!.features[c.i]!),
        stats,
        frames,
      );
    const labels = (clips: typeof use) => ({ data: Float32Array.from(clips, (c) => c.digit), shape: [clips.length, 1] });
    const [x, y, xTest, yTest] = [batch(trainClips), labels(trainClips), batch(testClips), labels(testClips)];
    $('data-info').textContent =
      `${trainClips.length} training clips (5 accents), ${testClips.length} held-out clips (accent ${HELD_OUT_ACCENT}, never trained on); ` +
      `up to ${frames} MFCC frames (${COEFFICIENTS} coefficients) per clip, shorter clips padded with masked frames.`;

    const spec: DigitModelSpec = { frames, coefficients: COEFFICIENTS, units, classes: data.index.digits.length, seed: 7 };
    model = await openModel(new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }), spec);
    const steps = Math.ceil(trainClips.length / BATCH);
    const clock = trainingClock(steps);
    const curves: Curve[] = [
      { label: 'loss', values: [], color: COLORS.loss },
      { label: 'val_loss', values: [], color: COLORS.valLoss },
      { label: 'accuracy', values: [], color: '#2ca02c', scale: 'acc' },
      { label: 'val_accuracy', values: [], color: '#9467bd', scale: 'acc' },
    ];
    const liveEl = $('loss-live');
    liveEl.replaceChildren();
    let chart: uPlot | null = null;
    setState({ status: 'training', epochsDone: 0 });
    await model.fit(x, y, {
      batchSize: BATCH,
      epochs,
      shuffle: true,
      validationData: [xTest, yTest],
      callbacks: [
        batchProgressLine(epochs, steps),
        {
          onEpochBegin: () => clock.begin(),
          onEpochEnd: (epoch, logs) => {
            const speed = clock.end();
            showSpeed(speed.stepsPerSecond, speed.epochSeconds);
            ['loss', 'val_loss', 'accuracy', 'val_accuracy'].forEach((k, i) => curves[i]!.values.push(logs[k]!));
            chart ??= drawCurves(
              liveEl,
              'Loss (left) and accuracy (right) per epoch; val_ = held-out accent',
              curves,
              Math.min(1000, liveEl.clientWidth || 900),
            );
            chart.setData(curveColumns(curves));
            $('progress').textContent =
              `epoch ${epoch + 1}/${epochs}  loss ${logs.loss!.toFixed(3)}  accuracy ${logs.accuracy!.toFixed(3)}  held-out accuracy ${logs.val_accuracy!.toFixed(3)}`;
            setState({ epochsDone: epoch + 1 });
          },
        },
      ],
    });
    const probabilities = (await model.predict(xTest)).data;
    const classes = data.index.digits.length;
    const predicted = testClips.map((_, i) => argmax(probabilities.subarray(i * classes, (i + 1) * classes)));
    const actual = testClips.map((c) => c.digit);
    const correct = predicted.filter((p, i) => p === actual[i]).length;
    const matrix = confusionMatrix(actual, predicted, classes);
    $('accuracy').textContent =
      `Held-out accuracy: ${((correct / testClips.length) * 100).toFixed(1)}% (${correct} of ${testClips.length} clips in the ${HELD_OUT_ACCENT} accent, ` +
      `which the model never heard; guessing scores 10%).`;
    showConfusion(matrix, data.index.digits);
    trained = { model, stats, frames };
    setState({ status: 'done', result: { lossPoints: curves[0]!.values.length, heldOutAccuracy: correct / testClips.length, confusion: matrix } });
  } catch (e) {
    model?.dispose();
    showError(e);
  } finally {
    trainButton.disabled = false;
    recordButton.disabled = input('wav').disabled = trained === null;
  }
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

/** Rows: the digit spoken; columns: the digit heard; the diagonal is right. */
function showConfusion(matrix: number[][], digits: string[]): void {
  const table = $('confusion') as HTMLTableElement;
  const head = `<thead><tr><th>spoken ↓ heard →</th>${digits.map((_, d) => `<th>${d}</th>`).join('')}</tr></thead>`;
  const body = matrix
    .map(
      (row, a) =>
        `<tr><th>${a} (${digits[a]})</th>${row.map((n, p) => `<td class="${a === p ? 'right' : n > 0 ? 'wrong' : ''}">${n || ''}</td>`).join('')}</tr>`,
    )
    .join('');
  table.innerHTML = head + `<tbody>${body}</tbody>`;
  table.hidden = false;
}

/** Classifies a clip from the microphone or a file with the trained model: the digit heard and the three likeliest. */
async function hear(samples: Promise<Float32Array>, what: string): Promise<void> {
  if (!trained || !data) return;
  clearError();
  $('try-result').textContent = `listening to ${what}…`;
  try {
    const features = clipFeatures(await samples);
    const p = (await trained.model.predict(toBatch([features], trained.stats, trained.frames))).data;
    const ranked = Array.from(p, (v, d) => ({ d, v })).sort((a, b) => b.v - a.v);
    const names = data.index.digits;
    $('try-result').textContent =
      `${what}: heard "${names[ranked[0]!.d]}" (p = ${ranked[0]!.v.toFixed(2)}); then ` +
      ranked
        .slice(1, 3)
        .map((r) => `${names[r.d]} ${r.v.toFixed(2)}`)
        .join(', ') +
      `. ${features.length} frames of speech.`;
    setState({ result: { ...window.demoState.result, heard: ranked[0]!.d, heardProbability: ranked[0]!.v } });
  } catch (e) {
    $('try-result').textContent = '';
    showError(e);
  }
}

void boot(async () => {
  applyEpochsParam();
  if (quick) input('units').value = '16';
  $('data-info').textContent = 'Loading the clips and computing their MFCC frames…';
  const loaded = await loadSpokenDigits();
  const { index, samples } = loaded;
  const started = performance.now();
  const features = index.clips.map((c) => clipFeatures(samples.subarray(c.start, c.start + c.length)));
  data = { index, features };
  $('source').textContent = `${index.clips.length} clips ${index.source} (${index.sampleRate} Hz).`;
  $('data-info').textContent = `MFCC frames of ${index.clips.length} clips computed in ${((performance.now() - started) / 1000).toFixed(1)} s in this page.`;
  trainButton.disabled = false;
  trainButton.addEventListener('click', () => void train());
  recordButton.addEventListener('click', () => void hear(record(1.5), 'your recording'));
  input('wav').addEventListener('change', () => {
    const file = input('wav').files?.[0];
    if (file)
      void hear(
        file.arrayBuffer().then((b) => decodeAudio(b, file.name)),
        file.name,
      );
  });
  if (params.get('auto') === '1') void train();
});
