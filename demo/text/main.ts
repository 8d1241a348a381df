/**
 * Text page: a character-level LSTM on a few kB of Moby-Dick, sampled with a temperature after every epoch.
 *
 * Generation streams: a second model with the same weights, built stateful for batch 1, takes one character per
 * `predictStep` (the LSTM's h and c stay on the GPU between steps), so each new character costs one timestep,
 * not a pass over the whole window.
 */
import 'uplot/dist/uPlot.min.css';
import type uPlot from 'uplot';
import { CharVocabulary, PAD_ID, UNKNOWN_ID, type RemoteModel } from '../../src/index';
import { loadMobyDick } from '../../src/data/datasets';
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
import type { TextModelSpec } from './model';
import { sampleIndex } from './sampling';

const SEQ = quick ? 20 : 40;
const STRIDE = 3;
// 64 units keep an epoch of 4 kB to seconds on CPU-emulated WebGPU; a real GPU affords more.
const UNITS = quick ? 32 : 64;
const BATCH = 64;
const SAMPLE_CHARS = quick ? 30 : 80;

const EMBED = 16;

let book = '';
let trained: { model: RemoteModel; generator: RemoteModel; vocab: CharVocabulary; seed: string } | null = null;
const trainButton = $('train') as HTMLButtonElement;
const generateButton = $('generate') as HTMLButtonElement;

function temperature(): number {
  return Number(input('temperature').value);
}

/** One of the page's models (model.ts), started in a worker of its own. */
function startModel(spec: TextModelSpec): Promise<RemoteModel> {
  return openModel(new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }), spec);
}

/** Feeds `seed` one character at a time, then writes `count` drawn characters into #sample as they come. */
async function generate(generator: RemoteModel, vocab: CharVocabulary, seed: string, count: number): Promise<string> {
  const out = $('sample');
  out.textContent = seed;
  await generator.resetStates();
  let probs: ArrayLike<number> = [];
  for (const id of vocab.encode(seed)) probs = (await generator.predictStep([id])).data;
  let text = '';
  for (let i = 0; i < count; i++) {
    const next = sampleIndex(probs, temperature(), Math.random, [PAD_ID, UNKNOWN_ID]);
    const ch = vocab.decode([next]);
    text += ch;
    out.textContent += ch;
    if (i < count - 1) probs = (await generator.predictStep([next])).data;
  }
  return text;
}

async function train(): Promise<void> {
  clearError();
  trainButton.disabled = generateButton.disabled = true;
  trained?.model.dispose();
  trained?.generator.dispose();
  trained = null;
  try {
    const chars = quick ? 800 : intValue('chars', 200);
    const epochs = intValue('epochs');
    // The first chapter's prose (the book opens with contents, etymology and extracts).
    const start = Math.max(0, book.indexOf('Call me Ishmael'));
    const text = book.slice(start, start + chars);
    const vocab = CharVocabulary.fromText(text);
    const ids = vocab.encode(text);
    const n = Math.floor((ids.length - SEQ - 1) / STRIDE) + 1;
    if (n < 10) throw new Error(`the training text gives ${n} windows of ${SEQ + 1} characters; use at least ${SEQ + 10 * STRIDE} characters`);
    const x = new Float32Array(n * SEQ);
    const y = new Float32Array(n);
    for (let s = 0; s < n; s++) {
      x.set(ids.slice(s * STRIDE, s * STRIDE + SEQ), s * SEQ);
      y[s] = ids[s * STRIDE + SEQ]!;
    }

    // Both models run in workers (model.worker.ts): the page only draws and samples.
    const spec = { vocabularySize: vocab.size, window: SEQ, units: UNITS, embedding: EMBED };
    const started = await Promise.allSettled([startModel({ ...spec, kind: 'trainer' }), startModel({ ...spec, kind: 'generator' })]);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      for (const r of started) if (r.status === 'fulfilled') r.value.dispose(); // the one that started ends its worker
      throw failed.reason;
    }
    const [model, generator] = started.map((r) => (r as PromiseFulfilledResult<RemoteModel>).value) as [RemoteModel, RemoteModel];
    const seed = text.slice(0, SEQ);
    trained = { model, generator, vocab, seed };

    const trainCount = n - Math.round(n * 0.1);
    const clock = trainingClock(Math.ceil(trainCount / BATCH));
    const curves: Curve[] = [
      { label: 'loss', values: [], color: COLORS.loss },
      { label: 'val_loss', values: [], color: COLORS.valLoss },
    ];
    const liveEl = $('loss-live');
    liveEl.replaceChildren();
    let chart: uPlot | null = null;
    let sample = '';
    setState({ status: 'training', epochsDone: 0 });
    $('generation-note').textContent =
      `Vocabulary: ${vocab.size} ids for ${text.length} characters, ${n} windows of ${SEQ} (the last 10% validate). ` +
      'Samples stream from a stateful copy of the model, one predictStep per character.';
    await model.fit(
      { data: x, shape: [n, SEQ] },
      { data: y, shape: [n, 1] },
      {
        batchSize: BATCH,
        epochs,
        validationSplit: 0.1,
        callbacks: [
          batchProgressLine(epochs, Math.ceil(trainCount / BATCH)),
          {
            onEpochBegin: () => clock.begin(),
            onEpochEnd: async (epoch, logs) => {
              const speed = clock.end();
              showSpeed(speed.stepsPerSecond, speed.epochSeconds);
              curves[0]!.values.push(logs.loss!);
              curves[1]!.values.push(logs.val_loss!);
              chart ??= drawCurves(liveEl, 'Loss per epoch (sparse categorical crossentropy)', curves, Math.min(1000, liveEl.clientWidth || 900));
              chart.setData(curveColumns(curves));
              $('progress').textContent =
                `epoch ${epoch + 1}/${epochs}  loss ${logs.loss!.toFixed(3)}  val_loss ${logs.val_loss!.toFixed(3)}  accuracy ${logs.accuracy!.toFixed(3)}  val_accuracy ${logs.val_accuracy!.toFixed(3)}`;
              generator.setWeights(await model.getWeights());
              sample = await generate(generator, vocab, seed, SAMPLE_CHARS);
              setState({ epochsDone: epoch + 1 });
            },
          },
        ],
      },
    );
    setState({ status: 'done', result: { lossPoints: curves[0]!.values.length, sample, vocabulary: vocab.size } });
  } catch (e) {
    showError(e);
  } finally {
    trainButton.disabled = false;
    generateButton.disabled = trained === null;
  }
}

void boot(async () => {
  applyEpochsParam();
  const t = input('temperature');
  t.addEventListener('input', () => ($('temperature-value').textContent = t.value));
  book = await loadMobyDick();
  trainButton.disabled = false;
  trainButton.addEventListener('click', () => void train());
  generateButton.addEventListener('click', () => {
    if (!trained) return;
    generateButton.disabled = true;
    void generate(trained.generator, trained.vocab, trained.seed, 200)
      .catch(showError)
      .finally(() => (generateButton.disabled = false));
  });
  if (params.get('auto') === '1') void train();
});
