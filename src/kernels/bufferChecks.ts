/**
 * Argument checks shared by the training-step wrappers (losses, metrics, regularizers, clipping,
 * optimizers). WebGPU clamps out-of-range storage accesses instead of failing, so a too-small buffer would
 * give garbage numbers; these turn it into an error at record time that names the buffer and the sizes.
 */
import { ShapeError, ValueError } from '../errors';
import type { BufferRef } from '../gpu/kernel';

/** How many floats a BufferRef can hold. */
export function floatsIn(ref: BufferRef): number {
  return Math.floor(ref.size / 4);
}

/** A non-negative integer (a count, offset or slot). `min` 1 for counts that must not be empty. */
export function checkIndex(label: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 0xffffffff) {
    throw new ValueError(`${label}: ${name} must be an integer ≥ ${min}; got ${String(value)}`);
  }
  return value;
}

/** A finite float option (an l1, a clip norm...). */
export function checkFinite(label: string, name: string, value: unknown, min: number, strictlyAbove = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (strictlyAbove && value === min)) {
    throw new ValueError(`${label}: ${name} must be a finite number ${strictlyAbove ? '>' : '≥'} ${min}; got ${String(value)}`);
  }
  return value;
}

/** Throws unless `ref` holds at least `floats` floats (an element offset plus a length). */
export function checkFits(label: string, name: string, ref: BufferRef, floats: number): void {
  const has = floatsIn(ref);
  if (has < floats) {
    throw new ShapeError(`${label}: ${name} holds ${has} floats but this call reads or writes ${floats} (offset + length); pass a larger buffer or range`);
  }
}
