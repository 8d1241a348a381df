/**
 * TF.js code ported as a TF.js user writes it, without a GPU: what webrnn accepts as TF.js does, and what it refuses
 * with an error that says what to change (README, "Coming from TF.js").
 */
import { describe, expect, it } from 'vitest';
import { ValueError, loadLayersModel, sequential } from '../src/index';

describe('the runtime argument', () => {
  it('sequential() without a runtime is a ValueError that shows how to make one', () => {
    const call = sequential as unknown as (...a: unknown[]) => unknown;
    expect(() => call()).toThrow(ValueError);
    expect(() => call()).toThrow(/sequential needs a runtime as its first argument: const rt = await createRuntime\(\); sequential\(rt, …\).*got nothing/);
    // TF.js's tf.sequential({ layers }) passes its config first.
    expect(() => call({ layers: [] })).toThrow(/got a plain object$/);
    expect(() => call(null)).toThrow(/got null/);
  });

  it('loadLayersModel(url) without a runtime names the misplaced source', async () => {
    const load = loadLayersModel as unknown as (...a: unknown[]) => Promise<unknown>;
    await expect(load('https://example.com/model.json')).rejects.toThrow(ValueError);
    await expect(load('https://example.com/model.json')).rejects.toThrow(
      /loadLayersModel needs a runtime as its first argument.*got the string "https:\/\/example.com\/model.json" \(the runtime comes first, then the source\)/,
    );
  });
});
