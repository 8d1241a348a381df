/**
 * How errors cross between a worker and the page (src/worker/wire.ts): through Comlink's 'throw' handler once
 * keepErrorClasses() has replaced it, webrnn's errors come back as their own class with their fields; others keep
 * their name and message.
 */
import { transferHandlers } from 'comlink';
import { describe, expect, it } from 'vitest';
import { DeviceLimitError, NonFiniteLossError, ShapeError, ValueError, WebRnnError } from '../src/errors';
import * as webrnn from '../src/index';
import { keepErrorClasses } from '../src/worker/wire';

function roundTrip(value: unknown): unknown {
  keepErrorClasses();
  const handler = transferHandlers.get('throw')!;
  const [wire, transfer] = handler.serialize({ value });
  expect(transfer).toEqual([]);
  const cloned = structuredClone(wire); // what postMessage does to it
  try {
    handler.deserialize(cloned);
  } catch (e) {
    return e;
  }
  throw new Error('deserialize must throw');
}

describe('errors across the worker boundary', () => {
  it('rebuilds webrnn errors as their class, fields included', () => {
    const e = roundTrip(new NonFiniteLossError(2, 5, 'the loss became NaN at epoch 2, batch 5')) as NonFiniteLossError;
    expect(e).toBeInstanceOf(NonFiniteLossError);
    expect(e).toBeInstanceOf(WebRnnError);
    expect([e.name, e.message, e.epoch, e.batch]).toEqual(['NonFiniteLossError', 'the loss became NaN at epoch 2, batch 5', 2, 5]);
    const limit = roundTrip(new DeviceLimitError('maxBufferSize', 10, 4, 'too big')) as DeviceLimitError;
    expect(limit).toBeInstanceOf(DeviceLimitError);
    expect([limit.limit, limit.requested, limit.allowed, limit.message]).toEqual(['maxBufferSize', 10, 4, 'too big']);
    expect(roundTrip(new ShapeError('x has 3 samples'))).toBeInstanceOf(ShapeError);
    expect(String(roundTrip(new ValueError('epochs must be a positive integer')))).toBe('ValueError: epochs must be a positive integer');
  });

  it('knows every error class webrnn exports', () => {
    const classes = Object.entries(webrnn as Record<string, unknown>).filter(
      (entry): entry is [string, new (...args: unknown[]) => Error] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
    );
    expect(classes.length).toBeGreaterThanOrEqual(11);
    for (const [, ErrorClass] of classes) expect(roundTrip(new ErrorClass('x', 1, 2, 'message'))).toBeInstanceOf(ErrorClass);
  });

  it('keeps the name and message of other errors, and throws non-errors as they were', () => {
    const e = roundTrip(new RangeError('out of range')) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(WebRnnError);
    expect([e.name, e.message]).toEqual(['RangeError', 'out of range']);
    expect(roundTrip('a string')).toBe('a string');
    expect(roundTrip({ code: 3 })).toEqual({ code: 3 });
  });

  it('installs once, however often it is called', () => {
    keepErrorClasses();
    const first = transferHandlers.get('throw');
    keepErrorClasses();
    expect(transferHandlers.get('throw')).toBe(first);
  });
});
