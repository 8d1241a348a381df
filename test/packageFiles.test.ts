/**
 * The tarball `npm pack` makes (what `npm publish` uploads and `npm install git+…` installs) holds exactly the
 * built package: package.json, README.md, the one declaration file, and one JavaScript module per source module
 * of the library or shader it inlines. Nothing twice (no source, no shaders as text, no source maps) and nothing
 * of the repository's own (tests, demo, bench, scripts). A build helper in dist/_virtual would mean Rolldown
 * bundled a namespace into an object again (vite.config.ts, layersNamespace), which apps cannot tree-shake.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshDist, distDir, repoRoot } from './support/dist';

interface PackResult {
  files: { path: string; size: number }[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** dist/x/y.js comes from src/x/y.ts; dist/shaders/n.js from shaders/n.wgsl (scripts/wgsl/plugin.ts). */
function sourceOf(path: string): string {
  const module = path.replace(/^dist\//, '').replace(/\.js$/, '');
  if (module === 'webrnn') return 'src/index.ts';
  if (module.startsWith('shaders/')) return `${module}.wgsl`;
  return `src/${module}.ts`;
}

describe('npm pack', () => {
  let packed: string[];
  beforeAll(() => {
    assertFreshDist();
    // --ignore-scripts: `prepare` would rebuild dist/ under the feet of the other test files.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    packed = (JSON.parse(out) as PackResult[])[0]!.files.map((f) => f.path).sort();
  }, 120_000);

  it('lists package.json, README.md, the declarations and the built modules, each once', () => {
    const built = filesUnder(distDir).map((f) => relative(repoRoot, f).split('\\').join('/'));
    expect(packed).toEqual(['README.md', 'package.json', ...built].sort());
    expect(new Set(packed).size).toBe(packed.length);
  });

  it('ships only JavaScript modules built from the library and its shaders, and the declarations of its two entries', () => {
    const js = packed.filter((p) => p.endsWith('.js'));
    expect(packed.filter((p) => !p.endsWith('.js'))).toEqual(['README.md', 'dist/index.d.ts', 'dist/node.d.ts', 'package.json']);
    expect(js).toContain('dist/node.js');
    for (const path of js) expect(existsSync(join(repoRoot, sourceOf(path))), `${path} has no source at ${sourceOf(path)}`).toBe(true);
    expect(js).toContain('dist/webrnn.js');
    expect(js).toContain('dist/layers/factories.js');
    // The CPU twins and the bundled datasets serve the tests and demos, not the package entry.
    expect(js.filter((p) => /^dist\/(reference\/|data\/datasets)/.test(p))).toEqual([]);
  });

  it('imports nothing but its own modules and its dependencies, which the app resolves (webrnn/node: also Node’s own and webgpu)', () => {
    const { dependencies, peerDependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    const bare = new Set<string>();
    for (const path of packed.filter((p) => p.endsWith('.js'))) {
      const code = readFileSync(join(repoRoot, path), 'utf8');
      const statics = code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm);
      const dynamics = code.matchAll(/\bimport\(\s*(?:\/\*[^*]*\*\/\s*)?["']([^"']+)["']\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        const specifier = (m[1] ?? m[2])!;
        if (specifier.startsWith('.')) continue;
        // Node's own modules and the optional webgpu peer belong to the Node entry alone.
        if (specifier.startsWith('node:') || specifier === 'webgpu') expect(path, `${specifier} outside webrnn/node`).toBe('dist/node.js');
        else bare.add(specifier);
      }
      // A build tool (the shader reflector) must never end up inside the package.
      expect(code, path).not.toMatch(/wgsl_reflect|WgslReflect/);
    }
    for (const specifier of bare)
      expect(Object.keys(dependencies), `dist/ imports ${specifier}`).toContain(
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    expect([...bare]).toContain('papaparse');
    expect(Object.keys(peerDependencies)).toEqual(['webgpu']);
    expect(readFileSync(join(repoRoot, 'dist/node.js'), 'utf8')).toMatch(/import\(\s*(?:\/\*[^*]*\*\/\s*)?"webgpu"\s*\)/);
  });
});
