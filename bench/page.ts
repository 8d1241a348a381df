/** The browser entry of the benchmark (bench/index.html, driven by bench/bench.mjs): bench/suite.ts on window. */
import { runBench, type BenchOptions } from './suite';

(window as unknown as { runBench: (o: BenchOptions) => ReturnType<typeof runBench> }).runBench = (o) =>
  runBench({ wasmPath: '/bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/', ...o });
