/**
 * Turns a shader file into what the runtime ships: its expanded WGSL, the helper files it includes, and the
 * interface of every compute entry point, reflected from the source exactly as the GPU will compile it.
 *
 * A shader file is plain WGSL plus two kinds of directive lines, written as comments so editors still read
 * WGSL:
 *
 *   //! include activations direction      helper files (shaders/<name>.wgsl) that come before this one
 *   //! generate lstmForwardBlock {"rows": 8}
 *                                          replaced by what the TypeScript template shaders/blocks/<...>.ts
 *                                          registered under that name writes for these arguments (JSON)
 *
 * Every kernel is compiled as prelude + includes + the file (src/gpu/kernel.ts joins them at run time, so
 * each helper's text is in the bundle once); reflection here sees the same concatenation.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { KernelInterface, UniformLayout } from '../../src/gpu/kernel.ts';
import { blocks } from '../../shaders/blocks/index.ts';
import { reflectEntries, reflectStorageStructs } from './reflect.ts';
import { stripComments } from './strip.ts';

export interface ExpandedShader {
  /** The file's base name: `lstmStep` for shaders/lstmStep.wgsl. */
  name: string;
  /** The WGSL of the file with every `//! generate` line replaced, without comments (scripts/wgsl/strip.ts). */
  code: string;
  /** The files put before this one (after the prelude), by name: its includes and theirs, each once, in order. */
  includes: string[];
  entries: Record<string, KernelInterface>;
  /** Layouts of the structs its storage buffers are declared as (scalars only), for the host to pack. */
  structs: Record<string, UniformLayout>;
}

/** The WebGPU default of maxStorageBuffersPerShaderStage: a kernel that binds more fails on some devices. */
export const MAX_STORAGE_BUFFERS = 8;
export const PRELUDE = 'prelude';

const INCLUDE = /^\s*\/\/!\s*include\s+(.*)$/;
const GENERATE = /^\s*\/\/!\s*generate\s+(\w+)\s*(.*)$/;
const DIRECTIVE = /^\s*\/\/!/;

/** Expands `shaders/<name>.wgsl` from `dir`; helper files and the prelude are read from the same folder. */
export function expandShaderFile(dir: string, file: string): ExpandedShader {
  const name = basename(file, '.wgsl');
  const read = (n: string) => expandDirectives(n, readFileSync(join(dir, `${n}.wgsl`), 'utf8'));
  const own = read(name);
  const includes = name === PRELUDE ? [] : flattenIncludes(name, own.includes, read);
  const code = stripComments(own.code);
  const source =
    name === PRELUDE
      ? code
      : [PRELUDE, ...includes]
          .map((n) => stripComments(read(n).code))
          .concat(code)
          .join('\n');
  const entries = reflectEntries(name, source);
  for (const iface of Object.values(entries)) {
    const storage = iface.bindings.filter((b) => b.kind !== 'uniform').map((b) => b.name);
    if (storage.length > MAX_STORAGE_BUFFERS) {
      throw new Error(
        `${iface.label} binds ${storage.length} storage buffers (${storage.join(', ')}); WebGPU guarantees ${MAX_STORAGE_BUFFERS} per entry point: split the entry or pack buffers`,
      );
    }
  }
  return { name, code, includes, entries, structs: reflectStorageStructs(name, source) };
}

/**
 * The files to put before `name`, each once, every file after those it includes itself: a kernel that includes
 * another kernel's file gets that file's helpers too.
 */
function flattenIncludes(name: string, direct: string[], read: (n: string) => { includes: string[] }): string[] {
  const order: string[] = [];
  const visit = (n: string, from: string[]) => {
    if (n === PRELUDE) throw new Error(`shaders/${from.at(-1)}.wgsl: the prelude comes before every kernel; do not include it`);
    if (from.includes(n)) throw new Error(`shaders/${name}.wgsl: include cycle ${[...from, n].join(' → ')}`);
    if (order.includes(n)) return;
    for (const dep of read(n).includes) visit(dep, [...from, n]);
    order.push(n);
  };
  for (const n of direct) visit(n, [name]);
  return order;
}

/** Applies the directives of one file's text; `name` is for messages. */
export function expandDirectives(name: string, text: string): { code: string; includes: string[] } {
  const includes: string[] = [];
  const lines = text.split('\n').map((line, i) => {
    const where = `shaders/${name}.wgsl:${i + 1}`;
    const include = INCLUDE.exec(line);
    if (include) {
      for (const helper of include[1]!
        .trim()
        .split(/[\s,]+/)
        .filter(Boolean)) {
        if (!/^\w+$/.test(helper)) throw new Error(`${where}: include names a file by its base name (e.g. activations); got '${helper}'`);
        if (!includes.includes(helper)) includes.push(helper);
      }
      return line;
    }
    const generate = GENERATE.exec(line);
    if (generate) {
      const [, block, rawArgs] = generate;
      const template = blocks[block!];
      if (!template) throw new Error(`${where}: no block template named '${block}'; shaders/blocks/index.ts has ${Object.keys(blocks).join(', ')}`);
      let args: Record<string, unknown> = {};
      if (rawArgs!.trim()) {
        try {
          args = JSON.parse(rawArgs!) as Record<string, unknown>;
        } catch (e) {
          throw new Error(`${where}: the arguments of '${block}' must be one JSON object; ${(e as Error).message}`, { cause: e });
        }
      }
      try {
        return `// generated by shaders/blocks: ${block} ${JSON.stringify(args)}\n${template(args).trimEnd()}\n// end of ${block}`;
      } catch (e) {
        throw new Error(`${where}: block '${block}': ${(e as Error).message}`, { cause: e });
      }
    }
    if (DIRECTIVE.test(line)) throw new Error(`${where}: unknown directive '${line.trim()}'; known: //! include, //! generate`);
    return line;
  });
  return { code: lines.join('\n'), includes };
}
