/** What bench/node.mjs bundles for Node: the benchmark suite and the kernel profile, without a page. */
export { runBench } from './suite';
export { profile } from './profile';
