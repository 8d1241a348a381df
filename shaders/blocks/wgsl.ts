/**
 * Small helpers for the block templates: the loops a template runs to write WGSL out, and strict checks of the
 * arguments a `//! generate` line gives (a typo there must fail the build, not emit a different kernel).
 */

/**
 * What a block template is: the arguments of its `//! generate` line (JSON) in, WGSL out. Declared here, not in
 * index.ts, so a template file need not import the registry that imports it.
 */
export type BlockTemplate = (args: Record<string, unknown>) => string;

/** 0, 1, …, n − 1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The names of a vec4's lanes, in order: what a template writes instead of `v[s]`. */
export const LANES = ['x', 'y', 'z', 'w'] as const;

/**
 * Lines joined, each indented by `depth` two-space steps (nested arrays are flattened, and a part of several
 * lines, e.g. a nested `lines(...)`, is indented line by line).
 */
export function lines(depth: number, ...parts: (string | string[])[]): string {
  const pad = '  '.repeat(depth);
  return parts
    .flat()
    .flatMap((part) => part.split('\n'))
    .map((l) => (l.length > 0 ? pad + l : l))
    .join('\n');
}

/** `args[name]`, which must be one of `allowed`. */
export function oneOf<T extends string | number | boolean>(args: Record<string, unknown>, name: string, allowed: readonly T[]): T {
  const value = args[name];
  if (!allowed.includes(value as T))
    throw new Error(`'${name}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

/** `args[name]`, a WGSL identifier (a function name the template defines). */
export function identifier(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || !/^[A-Za-z_]\w*$/.test(value)) throw new Error(`'${name}' must be a WGSL identifier; got ${JSON.stringify(value)}`);
  return value;
}

/** Fails on arguments the template does not know (a misspelt one would otherwise be ignored). */
export function onlyArgs(args: Record<string, unknown>, known: readonly string[]): void {
  const extra = Object.keys(args).filter((k) => !known.includes(k));
  if (extra.length > 0) throw new Error(`unknown argument ${extra.map((k) => `'${k}'`).join(', ')}; it takes ${known.join(', ')}`);
}
