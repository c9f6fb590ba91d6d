// Packs issue 6's check for the GPU machine into .gpu/ (ignored; carry it): benchmarks/webgpu-step.mjs bundled
// with esbuild (the machine has Node but no registry), Dawn (npm webgpu's loader and linux-x64 dawn.node), and
// from ../shared: Node, the glvnd EGL loader, ML-100K's ratings. Then run tools/gpu/run-webgpu.sh there.
// Run here: node tools/gpu/pack-webgpu.mjs
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const out = join(root, '.gpu');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'node_modules/webgpu/dist/linux-x64'), { recursive: true });
await build({
  entryPoints: [join(root, 'benchmarks/webgpu-step.mjs')],
  outfile: join(out, 'webgpu-step.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dawn is loaded at run time from node_modules/webgpu beside the bundle.
  external: ['webgpu'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const webgpu = join(root, 'node_modules/webgpu');
for (const file of ['package.json', 'index.js', 'dist/linux-x64/dawn.node'])
  copyFileSync(join(webgpu, file), join(out, 'node_modules/webgpu', file));
copyFileSync(join(shared, 'gpu/node-v20.20.2-linux-x64.xz'), join(out, 'node.xz'));
cpSync(join(shared, 'gpu/egl'), join(out, 'egl'), { recursive: true });
mkdirSync(join(out, 'data/ml-100k'), { recursive: true });
copyFileSync(join(shared, 'data/ml-100k/u.data'), join(out, 'data/ml-100k/u.data'));
console.error(`packed ${out}: carry ".gpu" and run bash tools/gpu/run-webgpu.sh`);
