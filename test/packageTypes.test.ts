/**
 * The published declarations (dist/index.d.ts) compile in a user's project as `tsc --init` makes it (strict,
 * noUncheckedIndexedAccess, exactOptionalPropertyTypes, module nodenext), with skipLibCheck turned off so tsc
 * checks our .d.ts too. The project is laid out as npm installs it: node_modules/webrnn holds package.json and
 * dist/index.d.ts, node_modules/@webgpu/types the WebGPU types the package depends on and references. The files
 * in test/fixtures/consumer use the public API (app.ts must compile) and misuse it (misuse.ts, whose
 * @ts-expect-error lines prove the types are real, not `any`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshDist, distDir, repoRoot } from './support/dist';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

describe('dist/index.d.ts in a consumer project', () => {
  let project: string;
  beforeAll(() => {
    assertFreshDist();
    project = mkdtempSync(join(tmpdir(), 'webrnn-consumer-'));
    const installed = join(project, 'node_modules/webrnn');
    mkdirSync(join(installed, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(installed, 'package.json'));
    cpSync(join(distDir, 'index.d.ts'), join(installed, 'dist/index.d.ts'));
    cpSync(join(distDir, 'node.d.ts'), join(installed, 'dist/node.d.ts'));
    mkdirSync(join(project, 'node_modules/@webgpu'));
    symlinkSync(dirname(require.resolve('@webgpu/types/package.json')), join(project, 'node_modules/@webgpu/types'), 'dir');
    cpSync(join(repoRoot, 'test/fixtures/consumer'), project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync(process.execPath, [tsc, '--init'], { cwd: project, stdio: 'ignore' });
    const config = readFileSync(join(project, 'tsconfig.json'), 'utf8');
    if (!config.includes('"skipLibCheck": true')) throw new Error(`tsc --init no longer writes "skipLibCheck": true; adapt this test:\n${config}`);
    writeFileSync(join(project, 'tsconfig.json'), config.replace('"skipLibCheck": true', '"skipLibCheck": false'));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('type-checks app.ts and rejects misuse.ts, with no error in the declarations', () => {
    const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: project, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 180_000);
});
