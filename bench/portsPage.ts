/** The browser entry of the port benchmark (bench/ports.html, driven by `npm run bench -- --ports`). */
import { runPorts, type PortBenchOptions } from './ports/suite';

(window as unknown as { runPorts: (o: Omit<PortBenchOptions, 'wasmPath'>) => ReturnType<typeof runPorts> }).runPorts = (o) =>
  runPorts({ wasmPath: '/bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/', ...o });
