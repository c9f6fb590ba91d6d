// Packs the GPU machine's checks into .gpu/ (ignored; carry it): issue 6's benchmarks/webgpu-step.mjs and issue 7's
// tools/gpu/cuda-check.mjs, each bundled with esbuild (the machine has Node but no registry), Dawn (npm webgpu's
// loader and linux-x64 dawn.node), the CUDA addon built here, and from ../shared: Node, the glvnd EGL loader,
// ML-100K. Then run tools/gpu/run.sh there. Run here, after npm ci (which builds the addon): node tools/gpu/pack.mjs
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const out = join(root, '.gpu');
const addon = join(root, 'packages/backend-cuda/build/Release/bloom_cuda.node');
if (!existsSync(addon))
  throw new Error(`no CUDA addon at ${addon}: npm ci builds it where nvcc is (see its README)`);
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'node_modules/webgpu/dist/linux-x64'), { recursive: true });
for (const [entry, name] of [
  ['benchmarks/webgpu-step.mjs', 'webgpu-step.mjs'],
  ['tools/gpu/cuda-check.mjs', 'cuda-check.mjs'],
  ['tools/gpu/cuda-tests.mjs', 'cuda-tests.mjs'],
]) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(out, name),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dawn is loaded at run time from node_modules/webgpu beside the bundles; the addon from BLOOM_CUDA_ADDON.
    // tfjs-node-gpu is looked for at run time (the cuda backend's dense part) and absent there.
    external: ['webgpu', '*.node', '@tensorflow/tfjs-node-gpu'],
    // The test files' `vitest` is the small runner beside this script; their sources resolve as in the repo.
    alias: { vitest: join(root, 'tools/gpu/mini-vitest.mjs') },
    conditions: ['@bloom/source'],
    // The test files are imported for their side effects (registering tests), which the packages' sideEffects
    // lists do not name.
    ignoreAnnotations: true,
    banner: {
      // Renamed: bundled modules import createRequire themselves.
      js: "import { createRequire as bloomCreateRequire } from 'node:module'; const require = bloomCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
const webgpu = join(root, 'node_modules/webgpu');
for (const file of ['package.json', 'index.js', 'dist/linux-x64/dawn.node'])
  copyFileSync(join(webgpu, file), join(out, 'node_modules/webgpu', file));
copyFileSync(addon, join(out, 'bloom_cuda.node'));
copyFileSync(join(shared, 'gpu/node-v20.20.2-linux-x64.xz'), join(out, 'node.xz'));
cpSync(join(shared, 'gpu/egl'), join(out, 'egl'), { recursive: true });
mkdirSync(join(out, 'data/ml-100k'), { recursive: true });
for (const file of ['u.data', 'u.item', 'u.user'])
  if (existsSync(join(shared, 'data/ml-100k', file)))
    copyFileSync(join(shared, 'data/ml-100k', file), join(out, 'data/ml-100k', file));
console.error(`packed ${out}: carry ".gpu" and run bash tools/gpu/run.sh [webgpu|cuda|all]`);
