// `npm run bench:cli-startup`: how soon `npm start` gets going, `--runtime node` against `--runtime browser`: the
// seconds from spawning `node demo/cli/main.mjs` to its "epoch 1/" line (process start to the end of the first
// epoch), alternating the runtimes so that both see the same machine. Extra arguments go to every run.
//
//   npm run bench:cli-startup                          3 runs each, the default backend
//   npm run bench:cli-startup -- --runs=5 --backend webgpu
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
const extra = argv.filter((a) => !a.startsWith('--runs='));

/** One `npm start` run: seconds to its first epoch line, and the runtime line it printed. */
function timeOne(runtime, out) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['demo/cli/main.mjs', '--runtime', runtime, '--epochs', '2', '--out', out, ...extra], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let firstEpoch = null;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (firstEpoch === null && /epoch 1\//.test(stdout)) firstEpoch = (performance.now() - started) / 1000;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      if (code !== 0 || firstEpoch === null) reject(new Error(`npm start --runtime ${runtime} exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ firstEpoch, runtimeLine: /Runtime: .*/.exec(stdout)?.[0] ?? '' });
    });
  });
}

const out = mkdtempSync(join(tmpdir(), 'webrnn-cli-startup-'));
const times = { node: [], browser: [] };
const lines = {};
try {
  for (let i = 0; i < runs; i++) {
    for (const runtime of ['node', 'browser']) {
      const r = await timeOne(runtime, out);
      times[runtime].push(r.firstEpoch);
      lines[runtime] = r.runtimeLine;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
for (const runtime of ['node', 'browser'])
  console.log(`--runtime ${runtime}: first epoch after ${times[runtime].map((t) => t.toFixed(2)).join(', ')} s (${lines[runtime]})`);
