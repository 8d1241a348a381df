/**
 * webrnn/node, the package's Node entry (src/node.ts, built as dist/node.js): run in a child process as a Node
 * user runs it, on Dawn (the `webgpu` package) with no browser. On this machine Dawn's Vulkan driver is Chromium's
 * SwiftShader, which the entry finds by itself. The child's masked LSTM, GRU and SimpleRNN equal their float64 twins,
 * a 5-million-row CSV streams through an epoch in bounded memory; Dawn's polling is paced while a runtime lives (and
 * changes no result); the tutorial model
 * trains, saves to file:// and loads back to the same predictions; a machine where Dawn finds no adapter gets a
 * WebGPUUnavailableError saying what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gruBackward } from '../src/reference/gruStep';
import { lstmBackward } from '../src/reference/lstmStep';
import { simpleRnnBackward } from '../src/reference/simpleRnnStep';
import { expectClose, expectCloseRelativeToMax } from './support/compare';
import { assertFreshDist, repoRoot } from './support/dist';
import { lstmCaseData } from './support/lstmCases';
import { randomCellParams, stepMask } from './support/maskCases';
import { skipGpu } from './support/page';
import { GRADIENT_RELATIVE_TO_MAX, SEQUENCE } from './support/tolerances';

/**
 * The child's environment. Debian's chromium package keeps its own Vulkan loader in /usr/lib/chromium; a machine
 * without the system's (libvulkan1) finds it there only through LD_LIBRARY_PATH, which a process reads when it
 * starts: the README says so, and this is how a user starts node there.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const systemLoader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some((p) => existsSync(p));
  const chromiumLoader = existsSync('/usr/lib/chromium/libvulkan.so.1');
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!systemLoader && chromiumLoader) env.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return env;
}

function runNode(job: unknown, extra: Record<string, string> = {}, timeout = 240_000) {
  const run = spawnSync(process.execPath, [join(repoRoot, 'test/support/nodeEntry.mjs'), JSON.stringify(job)], {
    cwd: repoRoot,
    env: childEnv(extra),
    encoding: 'utf8',
    timeout,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`node test/support/nodeEntry.mjs exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line) as {
    adapter?: { description: string; isFallback: boolean };
    lstm?: Record<string, number[]>;
    gru?: Record<string, number[]>;
    simpleRnn?: Record<string, number[]>;
    losses?: number[];
    before?: number[];
    after?: number[];
    stream?: { rows: number; windows: number; steps: number; reported: number; loss: number; rssGrowthMB: number };
    polling?: {
      wrappedWhileLive: boolean;
      restoredAfterDispose: boolean;
      untouchedWhileBusy: boolean;
      untouchedOnWasm: boolean;
      paced: { losses: number[]; sleeps: number };
      busy: { losses: number[]; sleeps: number };
      badOption?: { name: string; message: string };
    };
    error?: { name: string; message: string };
  };
}

describe.skipIf(skipGpu)('webrnn/node on Dawn, without a browser', () => {
  beforeAll(() => assertFreshDist());

  it('a masked LSTM forward and backward equals the float64 twin', () => {
    const c = { batch: 5, timesteps: 6, features: 3, units: 4, initialState: false, returnSequences: true };
    const d = lstmCaseData(c, 9100);
    const { batch: B, timesteps: T, features: F, units: U } = c;
    const mask = stepMask(B, T, 91);
    const shapes = { x: [B, T, F], kernel: [F, 4 * U], recurrentKernel: [U, 4 * U], bias: [4 * U], mask: [B, T], dOutput: [B, T, U] };
    const arrays = { x: d.x, kernel: d.kernel, recurrentKernel: d.recurrentKernel, bias: d.bias, mask, dOutput: d.dOutput };
    const r = runNode({ lstm: { ...Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, Array.from(v)])), shapes } });
    expect(r.error).toBeUndefined();
    expect(r.adapter!.description).not.toBe('');
    const t = (k: keyof typeof arrays) => ({ data: arrays[k], shape: shapes[k] });
    const ref = lstmBackward(
      { x: t('x'), kernel: t('kernel'), recurrentKernel: t('recurrentKernel'), bias: t('bias'), mask: t('mask') },
      { dOutput: t('dOutput') },
      { returnSequences: true },
    );
    expectClose(Float32Array.from(r.lstm!.output!), ref.output.data, SEQUENCE, 'output');
    for (const key of ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0', 'dc0'] as const) {
      expectCloseRelativeToMax(Float32Array.from(r.lstm![key]!), ref[key].data, GRADIENT_RELATIVE_TO_MAX, key);
    }
  });

  it('streams a 5-million-row CSV through csvWindows into an epoch of fitDataset in bounded memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webrnn-stream-'));
    try {
      const rows = 5_000_000;
      const r = runNode({ stream: { file: join(dir, 'big.csv'), rows } }, {}, 900_000);
      expect(r.error).toBeUndefined();
      const s = r.stream!;
      expect(s.rows).toBe(rows);
      expect(s.windows).toBe(rows - 8);
      expect(s.steps).toBe(Math.ceil((rows - 8) / 4096));
      expect(s.reported).toBe(s.steps);
      expect(Number.isFinite(s.loss)).toBe(true);
      // the file is 177 MB and its windows 200 MB of float32: neither is ever held whole
      expect(s.rssGrowthMB).toBeLessThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a masked GRU (reset_after) and SimpleRNN forward and backward equal their float64 twins', () => {
    const dims = { batch: 4, timesteps: 5, features: 3, units: 4 };
    const { batch: B, timesteps: T, features: F, units: U } = dims;
    const mask = stepMask(B, T, 92);
    const dOutput = Float64Array.from({ length: B * T * U }, (_, i) => Math.sin(i * 0.7));
    const cells = {
      gru: { params: randomCellParams(dims, 9200, 3, 2), bias: [2, 3 * U], gates: 3, twin: gruBackward },
      simpleRnn: { params: randomCellParams(dims, 9300, 1, 1), bias: [U], gates: 1, twin: simpleRnnBackward },
    } as const;
    const jobs = Object.fromEntries(
      Object.entries(cells).map(([kind, c]) => {
        const shapes = { x: [B, T, F], kernel: [F, c.gates * U], recurrentKernel: [U, c.gates * U], bias: c.bias, mask: [B, T], dOutput: [B, T, U] };
        const arrays = { x: c.params.x, kernel: c.params.kernel, recurrentKernel: c.params.recurrentKernel, bias: c.params.bias, mask, dOutput };
        return [kind, { ...Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, Array.from(v)])), shapes }];
      }),
    );
    const r = runNode(jobs);
    expect(r.error).toBeUndefined();
    for (const [kind, c] of Object.entries(cells) as [keyof typeof cells, (typeof cells)[keyof typeof cells]][]) {
      const job = jobs[kind] as unknown as { shapes: Record<string, number[]> } & Record<string, number[]>;
      const t = (k: string) => ({ data: Float64Array.from(job[k]!), shape: job.shapes[k]! });
      const inputs = { x: t('x'), kernel: t('kernel'), recurrentKernel: t('recurrentKernel'), bias: t('bias'), mask: t('mask') };
      const ref = (c.twin as typeof gruBackward)(inputs, { dOutput: t('dOutput') }, { returnSequences: true });
      const got = r[kind]!;
      expectClose(Float32Array.from(got.output!), ref.output.data, SEQUENCE, `${kind} output`);
      for (const key of ['dX', 'dKernel', 'dRecurrentKernel', 'dBias', 'dh0'] as const) {
        expectCloseRelativeToMax(Float32Array.from(got[key]!), ref[key].data, GRADIENT_RELATIVE_TO_MAX, `${kind} ${key}`);
      }
    }
  });

  it('trains the tutorial model, saves it to file:// and loads it back to the same predictions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webrnn-node-'));
    try {
      const r = runNode({ train: { dir } });
      expect(r.error).toBeUndefined();
      expect(r.losses).toHaveLength(3);
      expect(r.losses![2]!).toBeLessThan(r.losses![0]!);
      expect(r.after).toEqual(r.before);
      expect(existsSync(join(dir, 'model.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("paces dawn.node's polling on SwiftShader while a runtime lives, and a paced runtime trains as a busy-polling one does", () => {
    const r = runNode({ polling: {} });
    expect(r.error).toBeUndefined();
    const p = r.polling!;
    expect([p.wrappedWhileLive, p.restoredAfterDispose, p.untouchedWhileBusy, p.untouchedOnWasm]).toEqual([true, true, true, true]);
    // Its pipeline compiles and readbacks wait longer than 2 ms on SwiftShader: dawn.node's polls were recognised and slept.
    expect(p.paced.sleeps).toBeGreaterThan(p.busy.sleeps);
    expect(p.paced.losses).toHaveLength(2);
    // Pacing changes when a promise settles, never what the GPU computes: the same seed gives the same losses.
    expect(p.paced.losses).toEqual(p.busy.losses);
    expect(p.badOption?.name).toBe('ValueError');
    expect(p.badOption?.message).toMatch(/dawnPolling expects 'auto', 'paced' or 'busy'; got "spin"/);
  });

  it('where Dawn finds no adapter, a WebGPUUnavailableError says what to install', () => {
    // A Vulkan driver list that names nothing real: no adapter answers, and the entry does not override a set one.
    const r = runNode({}, { VK_ICD_FILENAMES: join(tmpdir(), 'no-such-vulkan-driver.json') });
    expect(r.error?.name).toBe('WebGPUUnavailableError');
    expect(r.error?.message).toMatch(/Dawn found no WebGPU adapter.*libvulkan1.*LD_LIBRARY_PATH=\/usr\/lib\/chromium.*SwiftShader/);
  });
});
