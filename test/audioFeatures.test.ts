/**
 * The Audio page's features without a browser (demo/audio/features.ts): silence trimmed around the word, MFCC
 * frames from meyda at the page's frame and hop, batches padded with the all-zero frames the Masking layer skips.
 */
import { describe, expect, it } from 'vitest';
import {
  COEFFICIENTS,
  FRAME,
  HOP,
  MAX_FRAMES,
  SAMPLE_RATE,
  clipFeatures,
  confusionMatrix,
  featureStats,
  mfccFrames,
  toBatch,
  trimSilence,
} from '../demo/audio/features';

/** `before` s of silence, `tone` s of a 440 Hz tone, `after` s of silence. */
function toneClip(before: number, tone: number, after: number): Float32Array {
  const n = (s: number) => Math.round(s * SAMPLE_RATE);
  const out = new Float32Array(n(before) + n(tone) + n(after));
  for (let i = 0; i < n(tone); i++) out[n(before) + i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE);
  return out;
}

describe('audio features', () => {
  it('trim the silence around the sound to within two frames', () => {
    const clip = toneClip(0.5, 0.3, 0.5);
    const trimmed = trimSilence(clip);
    const tone = 0.3 * SAMPLE_RATE;
    expect(trimmed.length).toBeGreaterThanOrEqual(tone);
    expect(trimmed.length).toBeLessThanOrEqual(tone + 6 * HOP + FRAME);
    expect(() => trimSilence(new Float32Array(4000))).toThrow(/the clip is silent/);
  });

  it('give 13 MFCCs per 256-sample frame every 128 samples, at most MAX_FRAMES, and refuse a clip shorter than a frame', () => {
    const frames = mfccFrames(toneClip(0, 0.2, 0));
    expect(frames).toHaveLength(Math.floor((0.2 * SAMPLE_RATE - FRAME) / HOP) + 1);
    expect(frames[0]).toHaveLength(COEFFICIENTS);
    expect(frames.every((f) => f.every(Number.isFinite))).toBe(true);
    expect(mfccFrames(toneClip(0, 3, 0))).toHaveLength(MAX_FRAMES);
    expect(() => mfccFrames(new Float32Array(100))).toThrow(/at least 256 samples/);
    // Different sounds, different coefficients: the features carry the spectrum.
    const low = clipFeatures(toneClip(0.1, 0.3, 0.1))[5]!;
    const noise = clipFeatures(Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i * i)))[5]!;
    expect(Math.max(...low.map((v, c) => Math.abs(v - noise[c]!)))).toBeGreaterThan(1);
  });

  it('standardize with the training statistics and pad with all-zero (masked) frames', () => {
    const a = [Float32Array.from({ length: COEFFICIENTS }, () => 1), Float32Array.from({ length: COEFFICIENTS }, () => 3)];
    const b = [Float32Array.from({ length: COEFFICIENTS }, () => 2)];
    const stats = featureStats([a, b]);
    expect(stats.mean[0]).toBeCloseTo(2, 12);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    const batch = toBatch([a, b], stats, 3);
    expect(batch.shape).toEqual([2, 3, COEFFICIENTS]);
    expect(batch.data[0]).toBeCloseTo(-1 / Math.sqrt(2 / 3), 5);
    expect(Array.from(batch.data.subarray(2 * COEFFICIENTS, 3 * COEFFICIENTS))).toEqual(new Array(COEFFICIENTS).fill(0));
    expect(toBatch([a], stats, 1).shape).toEqual([1, 1, COEFFICIENTS]);
  });

  it('count each (spoken, heard) pair in the confusion matrix', () => {
    expect(confusionMatrix([0, 0, 1, 2], [0, 1, 1, 1], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
  });
});
