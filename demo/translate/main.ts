/**
 * Translate page: trains the date translator (model.ts) on generated dates (dates.ts), reports exact-match accuracy
 * on held-out days, and translates a typed date with a heat map of its attention weights.
 *
 * Query parameters besides the shared ones (demo/lib/page.ts): `?samples=N` sets the training dates.
 *
 * Functional models run on the WebGPU backend, and on the page's thread: the worker protocol of the other pages
 * (serveModel) carries Sequential models only. Each batch is one GPU submit, so the page stays responsive while
 * the GPU works.
 */
import { createRuntime, type Runtime } from '../../src/index';
import { $, applyEpochsParam, batchProgressLine, boot, clearError, input, intValue, params, quick, setState, showError, showSpeed } from '../lib/page';
import { adapterLine } from '../lib/report';
import { trainingClock } from '../lib/speed';
import { INPUT_LENGTH, OUTPUT_LENGTH, datePairs, splitDays } from './dates';
import { translate, translator, type Translation, type Translator } from './model';

const SIZE = quick ? { embedding: 8, units: 16, learningRate: 0.01 } : { embedding: 16, units: 48, learningRate: 0.01 };
const BATCH = 64;
const HELD_OUT = quick ? 50 : 500;

let rt: Runtime | null = null;
let trained: Translator | null = null;
const trainButton = $('train') as HTMLButtonElement;
const translateButton = $('translate') as HTMLButtonElement;

async function runtime(): Promise<Runtime> {
  if (!rt) {
    rt = await createRuntime({ backend: 'webgpu' });
    $('adapter').textContent = adapterLine(rt.adapter);
  }
  return rt;
}

async function train(): Promise<void> {
  clearError();
  trainButton.disabled = true;
  translateButton.disabled = true;
  setState({ status: 'training', epochsDone: 0 });
  try {
    const samples = intValue('samples', 100);
    const epochs = intValue('epochs');
    const { train: trainDays, test: testDays } = splitDays(10, 3);
    const data = datePairs(trainDays, Math.ceil(samples / trainDays.length), 5);
    const n = Math.min(samples, data.count);
    trained?.dispose();
    trained = translator(await runtime(), SIZE);
    const x = [
      { data: data.inputs.subarray(0, n * INPUT_LENGTH), shape: [n, INPUT_LENGTH] },
      { data: data.decoderInputs.subarray(0, n * OUTPUT_LENGTH), shape: [n, OUTPUT_LENGTH] },
    ];
    const y = { data: data.targets.subarray(0, n * OUTPUT_LENGTH), shape: [n, OUTPUT_LENGTH] };
    const batches = Math.ceil(n / BATCH);
    const clock = trainingClock(batches);
    await trained.trainer.fit(x, y, {
      epochs,
      batchSize: BATCH,
      callbacks: [
        batchProgressLine(epochs, batches),
        {
          onEpochBegin: async () => clock.begin(),
          onEpochEnd: async (epoch, logs) => {
            clock.end();
            const speed = clock.overall();
            showSpeed(speed.stepsPerSecond, speed.epochSeconds);
            $('progress').textContent =
              `epoch ${epoch + 1}/${epochs}: loss ${logs.loss!.toFixed(4)}, per-character accuracy ${(logs.accuracy! * 100).toFixed(1)}%`;
            setState({ epochsDone: epoch + 1 });
          },
        },
      ],
    });
    const held = datePairs(testDays.slice(0, HELD_OUT), 1, 9);
    const out = await translate(trained, held.texts);
    const right = out.filter((o, i) => o.iso === held.isos[i]).length;
    const accuracy = right / out.length;
    $('accuracy').textContent = `Held-out exact-match accuracy: ${(accuracy * 100).toFixed(1)}% of ${out.length} dates training never saw`;
    $('examples').textContent = held.texts
      .slice(0, 8)
      .map((t, i) => `${t.padEnd(INPUT_LENGTH)} → ${out[i]!.iso}${out[i]!.iso === held.isos[i] ? '' : `   (should be ${held.isos[i]})`}`)
      .join('\n');
    setState({ result: { ...window.demoState.result, heldOutAccuracy: accuracy, heldOut: out.length } });
    translateButton.disabled = false;
    await translateTyped();
    setState({ status: 'done' });
  } catch (e) {
    showError(e);
  } finally {
    trainButton.disabled = false;
  }
}

async function translateTyped(): Promise<void> {
  if (!trained) return;
  clearError();
  const text = input('date').value.trim();
  try {
    const [result] = await translate(trained, [text]);
    $('translation').textContent = `→ ${result!.iso}`;
    const cells = drawHeatmap(text, result!);
    setState({ result: { ...window.demoState.result, translation: result!.iso, heatmapCells: cells } });
  } catch (e) {
    showError(e);
  }
}

/** One cell per (output character, input character), darker for more attention; returns how many it drew. */
function drawHeatmap(text: string, t: Translation): number {
  const canvas = $('heatmap') as HTMLCanvasElement;
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const [left, top] = [30, 24];
  const cell = Math.min((canvas.width - left) / INPUT_LENGTH, (canvas.height - top) / OUTPUT_LENGTH);
  g.font = '13px monospace';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillStyle = '#222';
  [...text].forEach((c, j) => g.fillText(c, left + (j + 0.5) * cell, top / 2));
  let drawn = 0;
  t.attention.forEach((row, i) => {
    g.fillStyle = '#222';
    g.fillText(t.iso[i] ?? '', left / 2, top + (i + 0.5) * cell);
    row.forEach((w, j) => {
      const shade = Math.round(255 * (1 - Math.min(1, w)));
      g.fillStyle = `rgb(${shade}, ${shade}, 255)`;
      g.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
      drawn++;
    });
  });
  return drawn;
}

void boot(async () => {
  applyEpochsParam();
  if (quick) input('samples').value = '600';
  if (params.get('samples')) input('samples').value = params.get('samples')!;
  trainButton.addEventListener('click', () => void train());
  translateButton.addEventListener('click', () => void translateTyped());
  trainButton.disabled = false;
  if (params.get('auto') === '1') await train();
});
