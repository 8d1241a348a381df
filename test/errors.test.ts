/**
 * Every error class webrnn exports carries its own name as a string literal (src/errors.ts), so `err.name` reads
 * 'ShapeError' whatever a bundler or minifier does to the class names. The built package is checked the same way
 * in the browser (test/package.gpu.test.ts); this checks the source, in Node.
 */
import { describe, expect, it } from 'vitest';
import * as webrnn from '../src/index';

const errorClasses = (Object.entries(webrnn) as [string, unknown][]).filter(
  (entry): entry is [string, new (...args: unknown[]) => Error] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
);

describe('error classes', () => {
  it('are exported under the names they report', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual(
      [
        'DeviceLimitError',
        'DeviceLostError',
        'DisposedError',
        'ModelFormatError',
        'NonFiniteLossError',
        'OutOfMemoryError',
        'ShapeError',
        'ValueError',
        'WebGPUUnavailableError',
        'WebRnnError',
        'WorkerError',
      ].sort(),
    );
    for (const [name, ErrorClass] of errorClasses) {
      // Constructors take a message first, or (reason, detail) / (limit, requested, allowed, message): strings and numbers both fit.
      const err = new ErrorClass('x', 1, 2, 'message');
      expect(err.name).toBe(name);
      expect(err).toBeInstanceOf(webrnn.WebRnnError);
      expect(String(err)).toMatch(new RegExp(`^${name}: `));
    }
  });
});
