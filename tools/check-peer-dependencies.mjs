// manypkg's rule that every peer dependency is also a devDependency, except for optional peers: the native
// TensorFlow.js bindings (@tensorflow/tfjs-node, -gpu) cannot be installed here (their install script downloads
// libtensorflow from outside the registry), so @bloom/backend-tensorflow declares them as optional peers only.
// manypkg's own rule is switched off in package.json in favour of this one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
let failed = false;
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const dev = manifest.devDependencies ?? {};
  const meta = manifest.peerDependenciesMeta ?? {};
  for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (meta[name]?.optional) continue;
    if (dev[name] === undefined) {
      console.error(`${manifest.name}: peer dependency ${name}@${range} must also be a devDependency`);
      failed = true;
    }
  }
}
if (failed) process.exit(1);
console.error('check-peer-dependencies: every required peer dependency is also a devDependency');
