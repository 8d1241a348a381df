// The benchmark's own dependencies (bench/package.json: TF.js's webgpu and wasm backends, ONNX Runtime Web, dawn.node) are not part
// of the quick start's `npm install` (≈ 330 MB that `npm start` and `npm test` never load). `npm run bench:install`
// installs them into bench/node_modules from bench/package-lock.json; bench.mjs and node.mjs call this first, so
// the first `npm run bench` installs them itself, saying so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
const needed = ['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', 'webgpu'];

export function ensureBenchDependencies() {
  const missing = needed.filter((name) => !existsSync(`${bench}node_modules/${name}/package.json`));
  if (missing.length === 0) return;
  console.log(`The benchmark's own packages are not installed (${missing.join(', ')}): installing them now into bench/node_modules`);
  console.log('(≈ 330 MB; the same as `npm run bench:install`; `npm start` and `npm test` do not need them).');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`Installing the benchmark's packages failed (npm ci --prefix bench exited ${run.status}); run \`npm run bench:install\` and read its error.`);
    process.exit(1);
  }
}
