/** What bench/node.mjs bundles for Node: the benchmark suite and the kernel profile, without a page. */
export { runBench } from './suite';
export { profile } from './profile';
// webrnn/node's paced dawn.node polling (src/dawnPolling.ts), for every library this process runs on Dawn.
export { DAWN_POLLING, paceDawnPolling, pacesPolling } from '../src/dawnPolling';
export { summarizeAdapter } from '../src/gpu/runtime';
