/**
 * Persistence in headless Chromium: indexeddb:// round trips and corruption detection, an aborted save
 * transaction, and downloads:// read back through the picked-files loader. No GPU work here; these run in
 * the browser harness because IndexedDB, Blob URLs and File exist only there.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';
import { decodeFloats } from './support/base64';

describe.skipIf(skipGpu)('model persistence in the browser', () => {
  const page = useHarness();

  it('saves two models to IndexedDB, loads each back bit-exact, lists and deletes them', async () => {
    const { loaded, expected, sha, listed, deleted, afterDelete } = await page.call('idbRoundTrip');
    expect(loaded).toEqual(expected);
    const bytes = decodeFloats(expected[1]!.weightData);
    expect(sha).toBe(createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex'));
    expect(listed).toEqual(
      expect.arrayContaining([
        ['io-a', 176],
        ['io-b', 176],
      ]),
    );
    expect(deleted).toEqual([true, false]);
    expect(afterDelete?.name).toBe('ModelFormatError');
    expect(afterDelete?.message).toMatch(/^indexeddb:\/\/io-b: existence check failed: no model is saved under "io-b" \(saved: .*io-a/);
  });

  it('detects each corruption of the stored record with the named check', async () => {
    const r = await page.call('idbCorruption');
    for (const result of Object.values(r)) expect(result?.name).toBe('ModelFormatError');
    expect(r.bitFlip?.message).toMatch(
      /^indexeddb:\/\/io-bad \(weights\.bin\): SHA-256 check failed: expected [0-9a-f]{64} \(recorded in indexeddb:\/\/io-bad \(model\.json\)\)/,
    );
    expect(r.truncated?.message).toMatch(
      /^indexeddb:\/\/io-bad \(weights\.bin\): byte length check failed: .*need 176 bytes, the file holds 172; it is truncated/,
    );
    expect(r.html?.message).toMatch(/^indexeddb:\/\/io-bad \(model\.json\): JSON check failed: expected model\.json, got HTML/);
    expect(r.version?.message).toMatch(/format version check failed: webrnn format version number 7, this webrnn reads version 1/);
    expect(r.duplicate?.message).toMatch(/weight "dense\/kernel" is listed twice \(duplicate weight names\)/);
  });

  it('keeps the earlier model when a save transaction aborts after its write', async () => {
    const { failed, loaded, expected } = await page.call('idbAbortedSave');
    expect(failed?.name).toBe('WebRnnError');
    expect(failed?.message).toMatch(/^saving indexeddb:\/\/io-abort failed \(AbortError: .*\); the transaction rolled back/);
    expect(loaded).toEqual(expected);
  });

  it('downloads name.json and name.weights.bin as TF.js names them, and loads them back as picked files', async () => {
    const { names, manifestPaths, loaded, expected } = await page.call('downloadsThenPick');
    expect(names).toEqual(['my-model.json', 'my-model.weights.bin']);
    expect(manifestPaths).toEqual(['./my-model.weights.bin']);
    expect(loaded).toEqual(expected);
  });
});
