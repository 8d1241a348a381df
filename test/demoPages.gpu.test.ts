/**
 * The demo app's pages in the real headless Chromium: each loads without console errors, trains two epochs on
 * WebGPU (?quick=1 shrinks data and model for CPU-emulated adapters), names its adapter, reports a speed and
 * draws its charts: the test counts canvas pixels in the series' own colours, which axes and grid never use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COLORS } from '../demo/lib/charts';
import type { DemoState } from '../demo/lib/page';

const skipGpu = inject('skipGpu');
const root = fileURLToPath(new URL('..', import.meta.url));

let server: ViteDevServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (skipGpu) return;
  // The demo's own config (root demo/, the CSV alias); no watcher, so an edit elsewhere cannot reload a page mid-run.
  server = await createServer({ configFile: `${root}demo/vite.config.ts`, logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false, watch: null } });
  await server.listen();
  const address = server.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('the demo server did not report a port');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await puppeteer.connect({ browserWSEndpoint: inject('browserWSEndpoint'), protocolTimeout: 900_000 });
  // The Audio page's training clips are synthesized by espeak-ng at build time (about 30 s, once).
  const made = spawnSync(process.execPath, [`${root}demo/audio/makeSpokenDigits.mjs`, '--if-missing'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`making the Audio page's clips failed: ${made.stderr.trim()}`);
}, 180_000);

afterAll(async () => {
  await browser?.disconnect();
  await server?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  state: DemoState;
  /** Dedicated workers the page started: each page trains its model in one (remoteModel), not on its main thread. */
  workers: number;
}

async function trainPage(path: string): Promise<Opened> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  let workers = 0;
  page.on('workercreated', (w) => {
    workers++;
    w.on('console', (m) => {
      if (m.type() === 'error') errors.push(`worker: ${m.text()}`);
    });
  });
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(`${origin}/${path}?auto=1&epochs=2&quick=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(window.demoState?.status), { timeout: 240_000, polling: 500 });
  const state = await page.evaluate(() => window.demoState);
  return { page, errors, state, workers };
}

/** Pixels of every canvas inside `selector` within 12 of `hex` in each channel (and mostly opaque: lines are antialiased). */
async function pixelsOf(page: Page, selector: string, hex: string): Promise<number> {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return page.evaluate(
    (sel, [r, g, b]) => {
      let n = 0;
      for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>(`${sel} canvas`))) {
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3]! > 100 && Math.abs(d[i]! - r!) <= 12 && Math.abs(d[i + 1]! - g!) <= 12 && Math.abs(d[i + 2]! - b!) <= 12) n++;
        }
      }
      return n;
    },
    selector,
    rgb,
  );
}

async function deviceLine(page: Page): Promise<{ adapter: string; speed: string }> {
  return page.evaluate(() => ({ adapter: document.getElementById('adapter')!.textContent!, speed: document.getElementById('speed')!.textContent! }));
}

async function expectTrained(o: Opened, workers = 1) {
  expect(o.workers).toBe(workers);
  expect(o.state.error).toBeNull();
  // onBatchProgress (no readback) moved the batch line through the epochs: it ends on the last batch of the last one
  expect(await o.page.$eval('#batch-progress', (p) => p.textContent)).toMatch(/^epoch 2\/2: batch (\d+)\/\1$/);
  expect(o.errors).toEqual([]);
  expect(o.state.status).toBe('done');
  expect(o.state.epochsDone).toBe(2);
  expect(o.state.stepsPerSecond).toBeGreaterThan(0);
}

describe.skipIf(skipGpu)('demo pages', () => {
  it('the home page links every demo and logs no error', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/index.html`);
    const links = await page.$$eval('main a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['./forecast.html', './text.html', './classify.html', './audio.html', './study.html', './translate.html']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Study runs every cell on Mackey–Glass in a worker and reports the tables and both charts', async () => {
    const o = await trainPage('study.html');
    try {
      expect(o.errors).toEqual([]);
      expect(o.state.error).toBeNull();
      expect(o.state.status).toBe('done');
      expect(o.workers).toBe(1);
      // quick: one dataset, one window, tanh: LSTM, GRU, SimpleRNN, SRU and the ESN.
      expect(o.state.result.rows).toBe(5);
      expect(await o.page.$$eval('#report svg', (s) => s.length)).toBe(2);
      const cells = await o.page.$$eval('#report table tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
      expect(new Set(cells)).toEqual(new Set(['LSTM', 'GRU', 'SimpleRNN', 'SRU', 'ESN (ridge)']));
      expect(await o.page.$eval('#adapter', (a) => a.textContent)).toMatch(/, in a worker$/);
    } finally {
      await o.page.close();
    }
  });

  it('Forecast trains two epochs and draws the loss curve, the predictions, the forecast and the errors by horizon', async () => {
    const o = await trainPage('forecast.html');
    try {
      await expectTrained(o);
      const { adapter, speed } = await deviceLine(o.page);
      expect(adapter).toMatch(/(fallback|hardware GPU|the wasm backend).*, in a worker$/);
      expect(speed).toMatch(/^\d+\.\d\d training steps\/s/);
      expect(o.state.result.lossPoints).toBe(2);
      expect(o.state.result.actualPoints).toBe(300);
      // The forecast line: the last observed value and 10 steps, unless the report said the forecast was implausible.
      expect(o.state.result.forecastPoints).toBe(o.state.result.implausible ? 0 : 11);
      expect(await pixelsOf(o.page, '#report .loss-chart', COLORS.loss)).toBeGreaterThan(50);
      expect(await pixelsOf(o.page, '#report .forecast-chart', COLORS.actual)).toBeGreaterThan(200);
      expect(await pixelsOf(o.page, '#report .forecast-chart', COLORS.predicted)).toBeGreaterThan(50);
      expect(await pixelsOf(o.page, '#report .forecast-chart', COLORS.forecast)).toBeGreaterThan(10);
      expect(await pixelsOf(o.page, '#report .horizon-chart', COLORS.forecast)).toBeGreaterThan(20);
      expect(o.state.result.horizons).toBe(10);
      expect(o.state.result.forecasters).toEqual(['LSTM (direct)', 'naive (last value)', 'moving average (20)', 'linear autoregression']);
      expect(o.state.result.coverage).toHaveLength(2);
      expect(await o.page.$eval('table.errors-mae', (t) => t.textContent)).toMatch(/LSTM \(direct\)\$\d+\.\d\d/);
      expect(await o.page.$eval('#report', (r) => r.textContent)).toMatch(/the 80% interval held \d+\.\d% of the test values/);
    } finally {
      await o.page.close();
    }
  });

  it('Forecast refuses a bad season or no input column with one message on the page, and trains nothing', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/forecast.html?quick=1&source=co2`);
      await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, { timeout: 60_000 });
      expect(await page.$eval('#season', (i) => (i as HTMLInputElement).value)).toBe('12');
      await page.$eval('#season', (i) => ((i as HTMLInputElement).value = '1'));
      await page.click('#train');
      await page.waitForFunction(() => !document.getElementById('error')!.hidden, { timeout: 30_000 });
      expect(await page.$eval('#error', (e) => e.textContent)).toMatch(/Season must be an integer ≥ 2; got "1"/);
      await page.$eval('#season', (i) => ((i as HTMLInputElement).value = ''));
      await page.$$eval('#inputs input', (boxes) => boxes.forEach((b) => ((b as HTMLInputElement).checked = false)));
      await page.click('#train');
      await page.waitForFunction(() => /at least one column/.test(document.getElementById('error')!.textContent!), { timeout: 30_000 });
      expect(await page.$eval('#report', (r) => r.childElementCount)).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('Audio trains two epochs on the synthesized digits, shows a confusion matrix, and hears a dropped WAV file', async () => {
    // A digit in the held-out accent, in a voice and at a speed and pitch no clip has, as a user's WAV file.
    const dir = mkdtempSync(join(tmpdir(), 'webrnn-audio-'));
    const wav = join(dir, 'seven.wav');
    const spoken = spawnSync('espeak-ng', ['-v', 'en-029+m2', '-s', '170', '-p', '50', '-w', wav, 'seven'], { encoding: 'utf8' });
    expect(spoken.status, spoken.stderr).toBe(0);
    const notAudio = join(dir, 'notes.wav');
    writeFileSync(notAudio, 'these are not samples');
    const o = await trainPage('audio.html');
    try {
      await expectTrained(o);
      const confusion = o.state.result.confusion as number[][];
      expect(confusion).toHaveLength(10);
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(40); // quick: the held-out accent's 4 voices × 10 digits
      expect(await o.page.$eval('#accuracy', (p) => p.textContent)).toMatch(/Held-out accuracy: \d+\.\d% \(\d+ of 40 clips in the en-029 accent/);
      expect(await o.page.$$eval('#confusion td.right', (cells) => cells.length)).toBe(10);
      expect(await o.page.$eval('#source', (p) => p.textContent)).toMatch(/960 clips synthesized by eSpeak NG/);
      const file = (await o.page.$('#wav')) as ElementHandle<HTMLInputElement>;
      await file!.uploadFile(wav);
      await o.page.waitForFunction(() => /heard "/.test(document.getElementById('try-result')!.textContent!), { timeout: 60_000 });
      expect(await o.page.$eval('#try-result', (p) => p.textContent)).toMatch(
        /^seven\.wav: heard "(zero|one|two|three|four|five|six|seven|eight|nine)" \(p = [01]\.\d\d\); then /,
      );
      await file!.uploadFile(notAudio);
      await o.page.waitForFunction(() => !document.getElementById('error')!.hidden, { timeout: 60_000 });
      expect(await o.page.$eval('#error', (e) => e.textContent)).toMatch(/notes\.wav is not audio this browser can decode .*; drop a WAV file/);
      expect(o.errors).toEqual([]);
    } finally {
      await o.page.close();
    }
  });

  it('Translate trains the date encoder–decoder, reports held-out exact-match accuracy and draws the attention of a typed date', async () => {
    const o = await trainPage('translate.html');
    try {
      expect(o.errors).toEqual([]);
      expect(o.state.error).toBeNull();
      expect(o.state.status).toBe('done');
      expect(o.state.epochsDone).toBe(2);
      expect(o.state.stepsPerSecond).toBeGreaterThan(0);
      expect(o.workers, 'functional models train on the page thread').toBe(0);
      expect(await o.page.$eval('#batch-progress', (p) => p.textContent)).toMatch(/^epoch 2\/2: batch (\d+)\/\1$/);
      expect(o.state.result.heldOut).toBe(50);
      expect(o.state.result.heldOutAccuracy).toBeGreaterThanOrEqual(0);
      expect(await o.page.$eval('#accuracy', (p) => p.textContent)).toMatch(/Held-out exact-match accuracy: \d+\.\d% of 50 dates/);
      // Ten ISO characters, each a greedy choice among digits and '-'.
      expect(String(o.state.result.translation)).toMatch(/^[0-9-]{10}$/);
      expect(o.state.result.heatmapCells).toBe(10 * 18);
      expect(await o.page.$eval('#adapter', (a) => a.textContent)).not.toMatch(/requesting/);
      // A typed date with a character no date has is a message on the page, not a crash.
      await o.page.$eval('#date', (el) => ((el as HTMLInputElement).value = 'Jan 19, 2019 ☃'));
      await o.page.click('#translate');
      await o.page.waitForFunction(() => !document.getElementById('error')!.hidden, { timeout: 60_000 });
      expect(await o.page.$eval('#error', (e) => e.textContent)).toMatch(/"☃" in "Jan 19, 2019 ☃" is not a character of a date/);
      expect(o.errors).toEqual([]);
    } finally {
      await o.page.close();
    }
  });

  it('Text trains two epochs on Moby-Dick and writes a sample', async () => {
    const o = await trainPage('text.html');
    try {
      await expectTrained(o, 2); // the trainer and the streaming generator
      expect(o.state.result.lossPoints).toBe(2);
      expect(String(o.state.result.sample).length).toBe(30);
      expect(await o.page.$eval('#sample', (p) => p.textContent!.length)).toBeGreaterThan(30);
      expect(await pixelsOf(o.page, '#loss-live', COLORS.loss)).toBeGreaterThan(50);
    } finally {
      await o.page.close();
    }
  });

  it('Classify trains two epochs, reports held-out accuracy and classifies typed text', async () => {
    const o = await trainPage('classify.html');
    try {
      await expectTrained(o);
      expect(o.state.result.heldOutAccuracy).toBeGreaterThanOrEqual(0);
      expect(o.state.result.heldOutAccuracy).toBeLessThanOrEqual(1);
      expect(await o.page.$eval('#accuracy', (p) => p.textContent)).toMatch(/Held-out accuracy: \d+\.\d%/);
      expect(await pixelsOf(o.page, '#loss-live', COLORS.loss)).toBeGreaterThan(50);
      await o.page.click('#try');
      await o.page.waitForFunction(() => /p\(spam\) = /.test(document.getElementById('try-result')!.textContent!), { timeout: 60_000 });
      expect(o.errors).toEqual([]);
    } finally {
      await o.page.close();
    }
  });
});
