/**
 * The tests of what users install (test/package*.test.ts) read the built package, dist/, not src/: they fail,
 * naming `npm run build`, when dist/ is missing or older than the sources it is built from, rather than skip or
 * test a stale build. CI builds once, in `npm ci` (the package's `prepare` script).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = join(repoRoot, 'dist');
/** What the build writes, first (vite build) and last (scripts/buildTypes.mjs). */
const OUTPUTS = ['webrnn.js', 'index.d.ts'];
/** What it is built from: the library's TypeScript and the shaders it inlines. */
const SOURCES = ['src', 'shaders'];

function newestFile(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** Throws, saying to run `npm run build`, unless dist/ holds a build at least as new as every source file. */
export function assertFreshDist(): void {
  const missing = OUTPUTS.filter((f) => !existsSync(join(distDir, f)));
  if (missing.length) {
    throw new Error(
      `dist/${missing[0]} is missing: these tests check the built package; run \`npm run build\` first (\`npm ci\` and \`npm install\` run it as the package's prepare script).`,
    );
  }
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(distDir, f)).mtimeMs));
  for (const source of SOURCES) {
    const newest = newestFile(join(repoRoot, source));
    if (newest.mtimeMs > built) {
      throw new Error(
        `dist/ is older than ${relative(repoRoot, newest.path)} (changed after the last build): run \`npm run build\`, then the tests of the built package again.`,
      );
    }
  }
}
