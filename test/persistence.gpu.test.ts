/**
 * Persistence faults through the model-level API (test/browser/persistenceCases.ts): loadLayersModel rejects
 * each corrupted save with a ModelFormatError naming the failed check and leaves no GPU buffer behind; a save
 * that fails midway (an aborted IndexedDB transaction, a destination that throws) keeps the previously saved
 * model and the model in memory intact. The file:// and picked-file variants are in test/io.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './browser/harness';
import { openHarness, skipGpu, type HarnessPage } from './support/page';

const CHECKS: Record<string, RegExp> = {
  truncated: /byte length check failed: .*need 468 bytes, the file holds 460; it is truncated/,
  bitFlip: /SHA-256 check failed: expected [0-9a-f]{64} \(recorded in .*\), got [0-9a-f]{64}/,
  html: /byte length check failed: .*it holds HTML: the server sent a web page instead of the file/,
  formatVersion: /format version check failed: webrnn format version number 2, this webrnn reads version 1/,
  shape: /manifest check failed: the weight specs need 404 bytes but the integrity record says 468/,
  shapeWithoutHash: /weights check failed: "lstm\/kernel" is \[16, 2\] but lstm\/kernel must be \[2, 16\]/,
  name: /weights check failed: the model needs "lstm\/kernel" \[2, 16\], which the weights manifest does not have; it has "lstm\/kernal"/,
  unknownFormat: /format check failed: format is "graph-model"; webrnn reads 'layers-model'/,
};

describe.skipIf(skipGpu)('corrupt model files and failed saves', () => {
  let page: HarnessPage;
  let run: Awaited<ReturnType<Harness['modelFileFaults']>>;
  beforeAll(async () => {
    page = await openHarness();
    run = await page.call('modelFileFaults');
  });
  afterAll(async () => {
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it.each(Object.entries(CHECKS))('%s: loadLayersModel rejects it with a ModelFormatError naming the check', (what, message) => {
    expect(run.errors[what]?.name).toBe('ModelFormatError');
    expect(run.errors[what]?.message).toMatch(message);
  });

  it('a failed load leaves no buffer; the intact file loads bit-exact', () => {
    expect(Object.keys(run.errors).sort()).toEqual(Object.keys(CHECKS).sort());
    expect(run.leftBehind).toBe(0);
    expect(run.reloadedSame).toBe(true);
  });

  it('a save that fails midway keeps the previous save and the model in memory', () => {
    expect(run.failedSave?.name).toBe('WebRnnError');
    expect(run.failedSave?.message).toMatch(/the transaction rolled back, so a model saved earlier under this name is unchanged/);
    expect(run.failedSink?.message).toBe('disk full after 3 of 5 chunks');
    expect(run.previousIntact).toBe(true);
    expect(run.inMemoryIntact).toBe(true);
    expect(run.stillTrains).toBe(true);
  });
});
