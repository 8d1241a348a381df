/** The committed ONNX schema module is what scripts/makeOnnxSchema.mjs makes from onnx.proto: never hand-edited. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without type declarations
import { onnxSchemaSource } from '../scripts/makeOnnxSchema.mjs';

it('src/io/onnx/onnxSchema.ts regenerates from onnx.proto unchanged', () => {
  expect(readFileSync(new URL('../src/io/onnx/onnxSchema.ts', import.meta.url), 'utf8')).toBe(onnxSchemaSource());
});
