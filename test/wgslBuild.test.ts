/**
 * The build step that turns shader files into what the runtime ships (scripts/wgsl/): directives, include
 * order, comment stripping, reflection and its checks. No GPU: these run on temporary shader folders.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandDirectives, expandShaderFile } from '../scripts/wgsl/expand';
import { stripComments } from '../scripts/wgsl/strip';

function shaderDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'webrnn-wgsl-'));
  writeFileSync(join(dir, 'prelude.wgsl'), 'override WG: u32 = 64;\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.wgsl`), text);
  return dir;
}

const kernel = (bindings: string, body = '') => `${bindings}
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) gid: vec3<u32>) { ${body} }`;

describe('stripComments', () => {
  it('drops line comments, nested block comments, blank lines and indentation', () => {
    const wgsl = '// header\n\nfn f() -> u32 { /* a /* nested */ comment */\n    return 1u; // why\n}\n';
    expect(stripComments(wgsl)).toBe('fn f() -> u32 {\nreturn 1u;\n}');
  });

  it('refuses an unterminated block comment', () => {
    expect(() => stripComments('fn f() {} /* open')).toThrow(/unterminated/);
  });
});

describe('expandDirectives', () => {
  it('collects includes in order, each once', () => {
    const { includes } = expandDirectives('k', '//! include activations direction\n//! include activations, other\nfn f() {}');
    expect(includes).toEqual(['activations', 'direction', 'other']);
  });

  it('names the file, the line and what is known for an unknown block, bad arguments or a directive', () => {
    expect(() => expandDirectives('k', 'fn f() {}\n//! generate noSuchBlock {}')).toThrow(/shaders\/k\.wgsl:2: no block template named 'noSuchBlock'/);
    expect(() => expandDirectives('k', '//! frobnicate')).toThrow(/shaders\/k\.wgsl:1: unknown directive/);
    expect(() => expandDirectives('k', '//! include ../secret')).toThrow(/by its base name/);
  });
});

describe('expandShaderFile', () => {
  it('reflects every entry point over prelude + includes + the file, and flattens includes (dependencies first, once)', () => {
    const dir = shaderDir({
      helper: '//! include base\nfn twice(v: f32) -> f32 { return base(v) * 2.0; }',
      base: 'fn base(v: f32) -> f32 { return v; }',
      k: `//! include helper base\nstruct P { n: u32, scale: f32 }\n@group(0) @binding(0) var<uniform> p: P;\n${kernel('@group(0) @binding(1) var<storage, read_write> out: array<f32>;', 'out[gid.x] = twice(p.scale);')}`,
    });
    const shader = expandShaderFile(dir, 'k.wgsl');
    expect(shader.includes).toEqual(['base', 'helper']);
    expect(shader.entries.main!.bindings.map((b) => `${b.binding}:${b.name}:${b.kind}`)).toEqual(['0:p:uniform', '1:out:storage']);
    expect(shader.entries.main!.uniform!.members.map((m) => `${m.name}@${m.offset}`)).toEqual(['n@0', 'scale@4']);
    expect(shader.code).not.toMatch(/\/\//);
  });

  it('fails the build for a kernel that binds more than 8 storage buffers, naming them', () => {
    const many = Array.from({ length: 9 }, (_, i) => `@group(0) @binding(${i}) var<storage, read_write> b${i}: array<f32>;`).join('\n');
    const body = Array.from({ length: 9 }, (_, i) => `b${i}[0] = 1.0;`).join(' ');
    const dir = shaderDir({ k: kernel(many, body) });
    expect(() => expandShaderFile(dir, 'k.wgsl')).toThrow(/k\.main binds 9 storage buffers \(b0, .*b8\); WebGPU guarantees 8/);
  });

  it('refuses include cycles and including the prelude', () => {
    const cycle = shaderDir({ a: '//! include b\nfn a() {}', b: '//! include a\nfn b() {}', k: `//! include a\n${kernel('')}` });
    expect(() => expandShaderFile(cycle, 'k.wgsl')).toThrow(/include cycle k → a → b → a/);
    const prelude = shaderDir({ k: `//! include prelude\n${kernel('')}` });
    expect(() => expandShaderFile(prelude, 'k.wgsl')).toThrow(/prelude comes before every kernel/);
  });

  it('gives the layouts of structs that storage buffers are declared as, for the host to pack', () => {
    const dir = shaderDir({
      k: `struct State { step: u32, rate: f32 }\n${kernel('@group(0) @binding(0) var<storage, read_write> state: State;', 'state.step += 1u;')}`,
    });
    expect(expandShaderFile(dir, 'k.wgsl').structs).toEqual({
      State: {
        name: 'State',
        size: 8,
        members: [
          { name: 'step', offset: 0, type: 'u32' },
          { name: 'rate', offset: 4, type: 'f32' },
        ],
      },
    });
  });
});
