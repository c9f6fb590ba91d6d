// Runs every `npx bloom ...` line of README.md's shell blocks exactly as written, from the repository root, after
// the README's set-up (npm ci and the build): a newcomer's first commands must work. The one change is offline
// data: BLOOM_DATA_DIR points at ../shared/data, where a user's machine would download ML-100K from GroupLens.
// Exits 1 on the first command that fails. Run: node tools/readme-commands.mjs
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
const commands = blocks
  .flatMap((block) => block.split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line.startsWith('npx bloom '));
if (commands.length === 0) throw new Error('README.md has no `npx bloom` lines in a sh block');
const env = { ...process.env, BLOOM_DATA_DIR: process.env.BLOOM_DATA_DIR ?? resolve(root, '../shared/data') };
for (const command of commands) {
  const start = performance.now();
  try {
    execSync(command, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  } catch (error) {
    process.stderr.write(`FAILED: ${command}\n${error.stderr?.toString() ?? error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`ok (${((performance.now() - start) / 1000).toFixed(1)} s): ${command}\n`);
}
