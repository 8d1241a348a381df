/**
 * Buffer limits and out-of-memory (src/gpu/allocations.ts). The limits are plain arithmetic; out-of-memory
 * cannot be provoked on demand on a real adapter here, so it runs on a fake device (test/support/fakeDevice.ts)
 * that reports it through the error scope exactly where WebGPU does. What must hold: a failed allocation
 * becomes an OutOfMemoryError naming the buffer, never numbers computed without it, and the model that hit it
 * works again once memory allows.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError, OutOfMemoryError, createRuntime, layers, sequential } from '../src/index';
import { checkBufferLimits } from '../src/gpu/allocations';
import { Readback } from '../src/gpu/readback';
import { fakeDevice } from './support/fakeDevice';

const LIMITS = { maxBufferSize: 1000, maxStorageBufferBindingSize: 600 };
const STORAGE = 0x80;
const UNIFORM = 0x40;

describe('checkBufferLimits', () => {
  it('names the limit a buffer passes, with both sizes, and lets buffers at the limits through', () => {
    expect(() => checkBufferLimits(LIMITS, 'w', 1000, UNIFORM)).not.toThrow();
    expect(() => checkBufferLimits(LIMITS, 'w', 600, STORAGE)).not.toThrow();
    const storage = (() => {
      try {
        checkBufferLimits(LIMITS, 'webrnn parameters', 608, STORAGE);
      } catch (e) {
        return e;
      }
    })() as DeviceLimitError;
    expect(storage).toBeInstanceOf(DeviceLimitError);
    expect([storage.limit, storage.requested, storage.allowed]).toEqual(['maxStorageBufferBindingSize', 608, 600]);
    expect(storage.message).toMatch(
      /^buffer 'webrnn parameters' needs 608 bytes \(0\.0 MiB\), more than this device's maxStorageBufferBindingSize of 600 bytes/,
    );
    // a uniform or staging buffer is never bound as storage: only maxBufferSize applies to it
    expect(() => checkBufferLimits(LIMITS, 'u', 608, UNIFORM)).not.toThrow();
    expect(() => checkBufferLimits(LIMITS, 'u', 1008, UNIFORM)).toThrow(/maxBufferSize of 1,000 bytes/);
    expect(() => checkBufferLimits(LIMITS, 's', 1008, STORAGE)).toThrow(/maxBufferSize/);
  });
});

describe('out-of-memory on buffer creation', () => {
  it('fails the next readback with OutOfMemoryError naming the buffer, until that buffer is destroyed', async () => {
    const fake = fakeDevice();
    const rt = await createRuntime({ device: fake.device });
    const ok = rt.createBuffer('ok', 64);
    fake.oom = /doomed/;
    const doomed = rt.createBuffer('doomed', 4096); // WebGPU reports this later, through the scope
    fake.oom = null;
    const error = await rt.read(ok, 4).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as Error).message).toMatch(
      /^the GPU ran out of memory creating buffer 'doomed' of 4,096 bytes .*, with 64 bytes in 1 buffers already allocated by this runtime\. Nothing computed with it is returned/,
    );
    rt.destroyBuffer(doomed);
    await expect(rt.read(ok, 4)).resolves.toEqual(new Float32Array(4));
  });

  it('the kept staging buffer of streaming reads refuses too, and maps again once the buffer is gone', async () => {
    const fake = fakeDevice();
    const rt = await createRuntime({ device: fake.device });
    const readback = new Readback(rt, 'stream', 4);
    fake.oom = /doomed/;
    const doomed = rt.createBuffer('doomed', 64);
    fake.oom = null;
    await expect(readback.read()).rejects.toThrow(OutOfMemoryError);
    rt.destroyBuffer(doomed);
    await expect(readback.read()).resolves.toEqual(new Float32Array(4)); // left unmapped by the failure
  });

  it('a host mapping that cannot be allocated (mappedAtCreation) throws at once', async () => {
    const fake = fakeDevice();
    const rt = await createRuntime({ device: fake.device, poisonNewBuffers: true });
    fake.mappingFails = /big/;
    expect(() => rt.createBuffer('big', 1 << 20)).toThrow(OutOfMemoryError);
    expect(rt.stats.buffers).toBe(0);
    fake.mappingFails = null;
    expect(() => rt.createBuffer('big', 1 << 20)).not.toThrow();
  });

  it('predict and fit reject instead of returning numbers, then work again once memory allows', async () => {
    const fake = fakeDevice();
    const rt = await createRuntime({ device: fake.device });
    const model = sequential(rt, { seed: 1 });
    model.add(layers.lstm({ units: 3, inputShape: [2, 1] }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = { data: new Float32Array(8).fill(0.5), shape: [4, 2, 1] };
    const y = { data: new Float32Array(4).fill(0.1), shape: [4, 1] };

    fake.oom = /xproj/; // the LSTM's input projection, built with the per-batch-size programs
    await expect(model.predict(x)).rejects.toThrow(/ran out of memory creating buffer '.*xproj'/);
    await expect(model.fit(x, y)).rejects.toThrow(OutOfMemoryError);
    expect(model.getLastGoodWeights()).toBeNull();
    fake.oom = null;
    // the programs holding the failed buffers were dropped, so these rebuild them and succeed
    await expect(model.predict(x)).resolves.toMatchObject({ shape: [4, 1] });
    await expect(model.fit(x, y)).resolves.toMatchObject({ epoch: [0] });
    expect(model.getLastGoodWeights()?.epoch).toBe(0);
    model.dispose();
    expect(rt.stats.buffers).toBe(0);
  });
});
