/**
 * From audio samples to what the GRU reads: trim the silence around the word, cut 23 ms frames every 11.6 ms
 * (256 and 128 samples at 11025 Hz), and take 13 mel-frequency cepstral coefficients per frame (meyda: Hann
 * window, 26 mel bands). Clips become [frames, 13] sequences of different lengths; a batch pads them with
 * all-zero frames at the end, which layers.masking makes the GRU skip. The coefficients are standardized with the
 * training clips' mean and spread, so no real frame is all zeros.
 */
import Meyda from 'meyda';

export const SAMPLE_RATE = 11025;
export const FRAME = 256;
export const HOP = 128;
export const COEFFICIENTS = 13;
/** At most 1.5 s of speech per clip (128 frames); longer input is cut. */
export const MAX_FRAMES = 128;

/** RMS of each hop-spaced frame. */
function frameEnergy(samples: Float32Array): number[] {
  const out: number[] = [];
  for (let start = 0; start + FRAME <= samples.length; start += HOP) {
    let s = 0;
    for (let i = start; i < start + FRAME; i++) s += samples[i]! * samples[i]!;
    out.push(Math.sqrt(s / FRAME));
  }
  return out;
}

/**
 * The stretch from the first to the last frame louder than 5 % of the loudest one, plus two frames either side.
 * A clip with no sound (every frame silent) is an error the page shows, not an empty input.
 */
export function trimSilence(samples: Float32Array): Float32Array {
  if (samples.length < FRAME) {
    throw new RangeError(`the clip is too short (${((samples.length / SAMPLE_RATE) * 1000).toFixed(0)} ms); record again, or drop a longer WAV file`);
  }
  const energy = frameEnergy(samples);
  const loudest = Math.max(0, ...energy);
  if (!(loudest > 1e-4)) throw new RangeError('the clip is silent: record again closer to the microphone, or drop another WAV file');
  const voiced = energy.map((e, i) => (e >= 0.05 * loudest ? i : -1)).filter((i) => i >= 0);
  const first = Math.max(0, voiced[0]! - 2);
  const last = Math.min(energy.length - 1, voiced[voiced.length - 1]! + 2);
  return samples.subarray(first * HOP, last * HOP + FRAME);
}

/** MFCCs of every full frame of `samples` (at SAMPLE_RATE), at most MAX_FRAMES of them. */
export function mfccFrames(samples: Float32Array): Float32Array[] {
  if (samples.length < FRAME)
    throw new RangeError(`a clip needs at least ${FRAME} samples (${((FRAME / SAMPLE_RATE) * 1000).toFixed(0)} ms); got ${samples.length}`);
  Meyda.bufferSize = FRAME;
  Meyda.sampleRate = SAMPLE_RATE;
  Meyda.melBands = 26;
  Meyda.numberOfMFCCCoefficients = COEFFICIENTS;
  const frames: Float32Array[] = [];
  for (let start = 0; start + FRAME <= samples.length && frames.length < MAX_FRAMES; start += HOP) {
    const mfcc = Meyda.extract('mfcc', samples.slice(start, start + FRAME)) as unknown as number[];
    frames.push(Float32Array.from(mfcc));
  }
  return frames;
}

/** What one clip becomes: trimmed, then MFCC frames. */
export function clipFeatures(samples: Float32Array): Float32Array[] {
  return mfccFrames(trimSilence(samples));
}

export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** Per-coefficient mean and standard deviation over every frame of the (training) clips. */
export function featureStats(clips: readonly Float32Array[][]): FeatureStats {
  const mean = new Array<number>(COEFFICIENTS).fill(0);
  const sq = new Array<number>(COEFFICIENTS).fill(0);
  let n = 0;
  for (const clip of clips) {
    for (const f of clip) {
      for (let c = 0; c < COEFFICIENTS; c++) {
        mean[c]! += f[c]!;
        sq[c]! += f[c]! * f[c]!;
      }
      n++;
    }
  }
  const m = mean.map((s) => s / n);
  return { mean: m, std: sq.map((s, c) => Math.sqrt(Math.max(s / n - m[c]! ** 2, 1e-12))) };
}

/** [clips, T, 13]: standardized frames, then all-zero frames (masked) up to T; a longer clip keeps its first T frames. */
export function toBatch(clips: readonly Float32Array[][], stats: FeatureStats, T: number): { data: Float32Array; shape: number[] } {
  const data = new Float32Array(clips.length * T * COEFFICIENTS);
  clips.forEach((clip, i) =>
    clip.slice(0, T).forEach((f, t) => {
      for (let c = 0; c < COEFFICIENTS; c++) data[(i * T + t) * COEFFICIENTS + c] = (f[c]! - stats.mean[c]!) / stats.std[c]!;
    }),
  );
  return { data, shape: [clips.length, T, COEFFICIENTS] };
}

/** counts[actual][predicted]. */
export function confusionMatrix(actual: readonly number[], predicted: readonly number[], classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  actual.forEach((a, i) => m[a]![predicted[i]!]!++);
  return m;
}
