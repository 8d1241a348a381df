/**
 * The wasm backend's threads (src/cpu/threads.ts): how rows are shared and when a predict is worth splitting; which
 * thread counts createRuntime takes; and, in a Node child process on the built package, that two threads predict
 * what one does (before and after setWeights) and that the workers let the process end. The page's threads are
 * tested with every layer kind in test/wasmBackend.gpu.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shareRows, worthSplitting } from '../src/cpu/threads';
import { ValueError, createRuntime } from '../src/index';
import { expectClose } from './support/compare';
import { assertFreshDist, repoRoot } from './support/dist';
import { SEQUENCE } from './support/tolerances';

describe('sharing rows between threads', () => {
  it('splits rows into contiguous shares of at least 4, as even as they go', () => {
    expect(shareRows(64, 2)).toEqual([32, 32]);
    expect(shareRows(65, 2)).toEqual([33, 32]);
    expect(shareRows(10, 4)).toEqual([5, 5]); // 4 threads, but only two shares of 4 rows or more
    expect(shareRows(7, 4)).toEqual([7]);
    expect(shareRows(1000, 3).reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('splits only work that outweighs the threads’ overheads, measured: the large case, not the tutorial model', () => {
    expect(worthSplitting(64, 100, 300_000)).toBe(true); // the large benchmark case: 1.8–2× faster on two threads
    expect(worthSplitting(32, 60, 10_900)).toBe(false); // the tutorial model: slower split
    expect(worthSplitting(1, 60, 100_000_000)).toBe(false); // one row: nothing to split
    expect(worthSplitting(300, 30, 19_000)).toBe(true); // test/support/threadsNode.mjs's training batch
    expect(worthSplitting(100_000, null, 5000)).toBe(true); // not a sequence: rows × parameters
  });
});

describe('createRuntime threads', () => {
  it('refuses a count that is not a whole number from 1 to 64, naming what came', async () => {
    for (const bad of [0, 2.5, 65, 'many', null]) {
      await expect(createRuntime({ backend: 'wasm', threads: bad as never })).rejects.toThrow(ValueError);
    }
    await expect(createRuntime({ backend: 'wasm', threads: 0 })).rejects.toThrow(/threads must be 'auto' or a whole number from 1 to 64; got 0/);
  });

  it('from the TypeScript sources in Node (this test runner) there is no worker entry: auto is 1, and 2 says why', async () => {
    const rt = await createRuntime({ backend: 'wasm' });
    expect(rt.threads).toBe(1);
    rt.dispose();
    await expect(createRuntime({ backend: 'wasm', threads: 2 })).rejects.toThrow(/cannot run threads here: webrnn runs from its TypeScript sources/);
    const one = await createRuntime({ backend: 'wasm', threads: 1 });
    expect(one.threads).toBe(1);
    one.dispose();
  });
});

describe('threads in Node, from the built package', () => {
  beforeAll(() => assertFreshDist());

  it('two threads predict and train what one does, see setWeights, leave a small batch unsplit, refuse after dispose, and let the process end', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'test/support/threadsNode.mjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(run.error).toBeUndefined(); // a timeout (a worker holding the process open) would be an error here
    expect(run.status, run.stderr).toBe(0);
    type Side = { threads: number; split: number; redone: number; first: number[]; second: number[]; small: number[]; loss: number[]; weights: number[] };
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<'1' | '2', Side> & { disposedMidCall: string };
    expect(r.disposedMidCall).toBe('DisposedError');
    expect([r[1].threads, r[2].threads]).toEqual([1, 2]);
    expect([r[1].split, r[2].split]).toEqual([0, 4]); // the two 768-row predicts and the two steps split; 3 rows did not
    expect(r[2].redone).toBe(0); // the worker computed its share of each (a fresh process has memory to spare)
    expect(r[2].first.length).toBe(768 * 3);
    for (const key of ['first', 'second', 'small', 'loss', 'weights'] as const)
      expectClose(Float32Array.from(r[2][key]), Float32Array.from(r[1][key]), SEQUENCE, key);
    expect(r[2].second).not.toEqual(r[2].first);
  });
});
