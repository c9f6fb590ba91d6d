// Builds the CUDA addon with node-gyp and nvcc at install time, and never fails the install: without nvcc, Node's
// headers or a working build, it records why in build/unavailable.json, which the backend reports as the reason
// it is unavailable. Set BLOOM_CUDA_SKIP_BUILD=1 to skip the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const record = join(root, 'build/unavailable.json');

function unavailable(reason) {
  mkdirSync(dirname(record), { recursive: true });
  writeFileSync(record, `${JSON.stringify({ reason })}\n`);
  console.error(
    `@bloom/backend-cuda: addon not built (${reason}); the cuda backend will report it unavailable`,
  );
  process.exit(0);
}

if (process.env.BLOOM_CUDA_SKIP_BUILD) unavailable('BLOOM_CUDA_SKIP_BUILD is set');
const cudaHome = process.env.CUDA_HOME ?? '/usr/local/cuda';
if (!existsSync(join(cudaHome, 'bin/nvcc'))) unavailable(`no nvcc at ${cudaHome}/bin/nvcc (set CUDA_HOME)`);
// Node's headers beside this Node (Debian's nodejs-dev, or an official tarball): node-gyp would otherwise
// download them, which offline machines cannot.
const prefix = dirname(dirname(process.execPath));
const nodedir = [prefix, '/usr'].find((dir) => existsSync(join(dir, 'include/node/node_api.h')));
if (nodedir === undefined) unavailable(`no Node headers (include/node/node_api.h) under ${prefix} or /usr`);
let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch (error) {
  unavailable(`node-gyp is not installed: ${error}`);
}
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], {
  cwd: root,
  env: { ...process.env, CUDA_HOME: cudaHome },
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
  timeout: 600_000,
});
if (result.status !== 0) {
  const last = (result.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  unavailable(`node-gyp rebuild failed (${result.error ?? `exit ${result.status}`}): ${last}`);
}
rmSync(record, { force: true });
console.error('@bloom/backend-cuda: CUDA addon built (sm_80, sm_90 and PTX)');
