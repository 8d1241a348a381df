/**
 * Classify page: Embedding + LSTM + Dense(sigmoid) tells spam from ham on a balanced 400-email sample of the
 * SpamAssassin corpus (spamSample.json, cut by makeSpamSample.mjs). A stratified quarter is held out: the
 * vocabulary is built from the training emails only, and the held-out accuracy is measured on the rest.
 */
import 'uplot/dist/uPlot.min.css';
import type uPlot from 'uplot';
import { WordVocabulary, padSequences, type RemoteModel } from '../../src/index';
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
import type { SpamModelSpec } from './model';
import { stratifiedSplit, type Email } from './split';

const MAX_LEN = quick ? 40 : 100;
const VOCAB = 3000;
const UNITS = quick ? 16 : 32;
const BATCH = 32;
/**
 * Emails are padded with id 0 to MAX_LEN words; maskZero makes the LSTM skip that padding, so a short email is
 * read as itself and not as itself plus dozens of pad steps. ?mask=0 trains without it, for comparison (README).
 */
const MASK_PADDING = params.get('mask') !== '0';
/** The LSTM's input and recurrent dropout (?dropout=, ?recurrentDropout=; README: what each changed here). */
const DROPOUT = rate('dropout', 0);
const RECURRENT_DROPOUT = rate('recurrentDropout', 0);
/** The weights' seed (?seed=), for comparing settings over several initializations. */
const SEED = Number(params.get('seed') ?? 3);

function rate(name: string, fallback: number): number {
  const given = params.get(name);
  return given === null ? fallback : Number(given);
}

let emails: Email[] = [];
let trained: { model: RemoteModel; vocab: WordVocabulary } | null = null;
const trainButton = $('train') as HTMLButtonElement;
const tryButton = $('try') as HTMLButtonElement;

/** Emails keep their first MAX_LEN words ('post' truncation): greetings and offers come first. */
function encode(vocab: WordVocabulary, texts: string[]) {
  return padSequences(
    texts.map((t) => vocab.encode(t)),
    { maxLen: MAX_LEN, truncating: 'post' },
  );
}

async function train(): Promise<void> {
  clearError();
  trainButton.disabled = tryButton.disabled = true;
  trained?.model.dispose();
  trained = null;
  let model: RemoteModel | null = null;
  try {
    const epochs = intValue('epochs');
    const { train: trainSet, test: testSet } = stratifiedSplit(quick ? emails.slice(0, 160) : emails, 0.25, 11);
    const vocab = WordVocabulary.fromText(
      trainSet.map((e) => e.text),
      { maxSize: VOCAB },
    );
    const x = encode(
      vocab,
      trainSet.map((e) => e.text),
    );
    const y = { data: Float32Array.from(trainSet, (e) => e.label), shape: [trainSet.length, 1] };
    const xTest = encode(
      vocab,
      testSet.map((e) => e.text),
    );
    const yTest = { data: Float32Array.from(testSet, (e) => e.label), shape: [testSet.length, 1] };
    $('data-info').textContent =
      `${trainSet.length} training and ${testSet.length} held-out emails, half spam each; vocabulary ${vocab.size} words (from the training emails), first ${MAX_LEN} words per email` +
      (MASK_PADDING ? ', shorter ones padded with a masked id 0 that the LSTM skips.' : ', shorter ones padded with id 0 (unmasked: ?mask=0).');

    // spamModel, built and trained in the page's worker (model.worker.ts): the page only draws.
    const spec: SpamModelSpec = {
      vocabularySize: vocab.size,
      maxLen: MAX_LEN,
      units: UNITS,
      maskPadding: MASK_PADDING,
      dropout: DROPOUT,
      recurrentDropout: RECURRENT_DROPOUT,
      seed: SEED,
    };
    model = await openModel(new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }), spec);

    const clock = trainingClock(Math.ceil(trainSet.length / BATCH));
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
      validationData: [xTest, yTest],
      callbacks: [
        batchProgressLine(epochs, Math.ceil(trainSet.length / BATCH)),
        {
          onEpochBegin: () => clock.begin(),
          onEpochEnd: (epoch, logs) => {
            const speed = clock.end();
            showSpeed(speed.stepsPerSecond, speed.epochSeconds);
            ['loss', 'val_loss', 'accuracy', 'val_accuracy'].forEach((k, i) => curves[i]!.values.push(logs[k]!));
            chart ??= drawCurves(liveEl, 'Loss (left) and accuracy (right) per epoch; val_ = held out', curves, Math.min(1000, liveEl.clientWidth || 900));
            chart.setData(curveColumns(curves));
            $('progress').textContent =
              `epoch ${epoch + 1}/${epochs}  loss ${logs.loss!.toFixed(3)}  accuracy ${logs.accuracy!.toFixed(3)}  held-out accuracy ${logs.val_accuracy!.toFixed(3)}`;
            setState({ epochsDone: epoch + 1 });
          },
        },
      ],
    });
    const [, accuracy] = (await model.evaluate(xTest, yTest)) as number[];
    $('accuracy').textContent =
      `Held-out accuracy: ${(accuracy! * 100).toFixed(1)}% on ${testSet.length} emails the model never trained on (always guessing one class scores 50%).`;
    trained = { model, vocab };
    setState({ status: 'done', result: { lossPoints: curves[0]!.values.length, heldOutAccuracy: accuracy } });
  } catch (e) {
    model?.dispose(); // ends its worker
    showError(e);
  } finally {
    trainButton.disabled = false;
    tryButton.disabled = trained === null;
  }
}

async function classify(): Promise<void> {
  if (!trained) return;
  const text = (input('try-text') as unknown as HTMLTextAreaElement).value;
  const p = (await trained.model.predict(encode(trained.vocab, [text]))).data[0]!;
  const known = trained.vocab.encode(text).filter((id) => id > 1).length;
  $('try-result').textContent = `${p >= 0.5 ? 'spam' : 'ham'} (p(spam) = ${p.toFixed(3)}; ${known} of its words are in the vocabulary)`;
  setState({ result: { ...window.demoState.result, tried: p } });
}

void boot(async () => {
  applyEpochsParam();
  const sample = (await import('./spamSample.json')).default as { source: string; emails: Email[] };
  emails = sample.emails;
  trainButton.disabled = false;
  trainButton.addEventListener('click', () => void train());
  tryButton.addEventListener('click', () => void classify().catch(showError));
  if (params.get('auto') === '1') void train();
});
