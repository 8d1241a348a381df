/**
 * The committed WebAssembly modules (src/wasm/) are what scripts/makeWasm.mjs compiles from the AssemblyScript in
 * wasm/: never hand-edited, never stale. And each stays small enough for a page's main thread, where Chrome
 * refuses to compile a module over 4 KiB synchronously (the orthogonal initializer compiles its module inside a
 * synchronous layer build).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without type declarations
import { wasmKernels, wasmModuleSource } from '../scripts/makeWasm.mjs';

const names: string[] = wasmKernels();

describe('src/wasm', () => {
  it('has a module for every kernel in wasm/', () => {
    expect(names).toEqual(expect.arrayContaining(['gruStep', 'lstmStep', 'orthonormalRows', 'simpleRnnStep']));
  });

  it.each(names)('src/wasm/%s.ts regenerates from its AssemblyScript in wasm/ unchanged, and compiles synchronously (≤ 4 KiB)', async (name) => {
    const committed = readFileSync(new URL(`../src/wasm/${name}.ts`, import.meta.url), 'utf8');
    expect(committed).toBe(await wasmModuleSource(name));
    const bytes = Buffer.from(/'([A-Za-z0-9+/=]+)'/.exec(committed)![1]!, 'base64');
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(() => new WebAssembly.Module(bytes)).not.toThrow();
  });
});
