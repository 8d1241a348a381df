// Makes the Audio page's training data: the digits "zero" to "nine" spoken by Debian's espeak-ng speech
// synthesizer in 6 English accents × 4 voice variants × 2 speeds × 2 pitches (96 clips per digit, 960 in all).
// The clips are synthesized, not recorded: the page says so, and a model trained on them hears real voices less well.
//
// Output (generated, not committed; 7.9 MB): demo/audio/data/spoken-digits.wav, every clip one after the
// other as 11025 Hz mono µ-law (resampled from espeak-ng's 22050 Hz by wavefile's sinc resampler), and
// spoken-digits.json, the index: per clip its digit, accent, variant, speed, pitch, first sample and length.
//
//   node demo/audio/makeSpokenDigits.mjs            (re)make the data
//   node demo/audio/makeSpokenDigits.mjs --if-missing   only when it is not there yet (npm run demo, the tests;
//                                                      --warn-only: a warning instead of a failure without espeak-ng)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';

const { WaveFile } = wavefile;
export const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
export const ACCENTS = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-029'];
const VARIANTS = ['m1', 'm3', 'f2', 'f4'];
const SPEEDS = [140, 200]; // words per minute
const PITCHES = [35, 65]; // 0-99
const SOURCE_RATE = 22050;
export const SAMPLE_RATE = 11025;

const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
export const DATA_WAV = join(dataDir, 'spoken-digits.wav');
export const DATA_INDEX = join(dataDir, 'spoken-digits.json');

/** One utterance from espeak-ng as 16-bit samples at 22050 Hz; a clear error when espeak-ng is missing. */
export function speak(text, { accent, variant, speed, pitch }, dir) {
  const file = join(dir, 'clip.wav');
  const run = spawnSync('espeak-ng', ['-v', `${accent}+${variant}`, '-s', String(speed), '-p', String(pitch), '-w', file, text], { encoding: 'utf8' });
  if (run.error?.code === 'ENOENT') {
    throw new Error("espeak-ng not found: the Audio page's training data is synthesized by it. Install it (Debian: 'apt-get install -y espeak-ng').");
  }
  if (run.status !== 0) throw new Error(`espeak-ng failed for "${text}" (${accent}+${variant}): ${run.stderr.trim()}`);
  const wav = new WaveFile(readFileSync(file));
  if (wav.fmt.sampleRate !== SOURCE_RATE || wav.fmt.numChannels !== 1) {
    throw new Error(`espeak-ng wrote ${wav.fmt.numChannels} channel(s) at ${wav.fmt.sampleRate} Hz; expected mono at ${SOURCE_RATE} Hz`);
  }
  return wav.getSamples(false, Int16Array);
}

export function makeSpokenDigits() {
  const dir = mkdtempSync(join(tmpdir(), 'webrnn-digits-'));
  const clips = [];
  const parts = [];
  let at = 0;
  try {
    for (const accent of ACCENTS) {
      for (const variant of VARIANTS) {
        for (const speed of SPEEDS) {
          for (const pitch of PITCHES) {
            DIGITS.forEach((word, digit) => {
              const samples = speak(word, { accent, variant, speed, pitch }, dir);
              // An even length, so the clip starts on a sample of the half-rate file.
              const even = samples.length + (samples.length % 2);
              const padded = new Int16Array(even);
              padded.set(samples);
              parts.push(padded);
              clips.push({ digit, accent, variant, speed, pitch, start: at / 2, length: even / 2 });
              at += even;
            });
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const all = new Int16Array(at);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const wav = new WaveFile();
  wav.fromScratch(1, SOURCE_RATE, '16', all);
  wav.toSampleRate(SAMPLE_RATE, { method: 'sinc' });
  wav.toMuLaw();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(DATA_WAV, wav.toBuffer());
  const version = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    DATA_INDEX,
    `${JSON.stringify({ source: `synthesized by ${version.split(' Data at')[0].trim()}`, sampleRate: SAMPLE_RATE, digits: DIGITS, clips }, null, 0)}\n`,
  );
  return { clips: clips.length, bytes: wav.toBuffer().length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-missing') && existsSync(DATA_WAV) && existsSync(DATA_INDEX)) process.exit(0);
  try {
    const started = performance.now();
    const { clips, bytes } = makeSpokenDigits();
    console.log(`Wrote ${clips} clips (${(bytes / 1e6).toFixed(1)} MB) to ${DATA_WAV} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (e) {
    // --warn-only (npm run demo): every other page works without the clips; the Audio page says how to make them.
    console.error(`${process.argv.includes('--warn-only') ? 'warning (the Audio page needs these clips)' : 'error'}: ${e.message}`);
    process.exit(process.argv.includes('--warn-only') ? 0 : 1);
  }
}
