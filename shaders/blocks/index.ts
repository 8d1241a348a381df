/**
 * The block templates that `//! generate <name> {args}` lines in shader files expand (scripts/wgsl/expand.ts).
 * A block is WGSL whose loops over rows, units or vector lanes must be written out: SwiftShader compiles
 * `v[s]` with a loop variable `s` as a dynamic vector index, which measured 20–25 % slower than named lanes
 * (bench/results/*-kernels.md holds the measurements). One TypeScript template per block writes every shape the
 * kernels need, so no unrolled line is ever kept by hand twice.
 */
import { gemmBlocks } from './gemm.ts';
import { gruBlocks } from './gru.ts';
import { lstmBlocks } from './lstm.ts';
import type { BlockTemplate } from './wgsl.ts';

export type { BlockTemplate } from './wgsl.ts';

export const blocks: Record<string, BlockTemplate> = { ...gemmBlocks, ...gruBlocks, ...lstmBlocks };
