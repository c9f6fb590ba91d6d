// backend-cuda's own test files (the shared conformance suite on device tables, the fused trainer against the
// TypeScript reference, the row rules and kernels), bundled for the GPU machine with `vitest` resolved to
// mini-vitest.mjs: where a device answers, their device suites run instead of skipping. Writes
// cuda-tests.txt to --out and exits 1 on any failure.
import { writeFileSync } from 'node:fs';

// On the GPU machine a device suite that skips is a failure: the addon must have built and a device answered.
process.env.BLOOM_REQUIRE_CUDA_BUILD = '1';
process.env.BLOOM_REQUIRE_GPU = '1';

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../../packages/backend-cuda/src/conformance.test.ts';
import '../../packages/backend-cuda/src/cuda.test.ts';
import '../../packages/backend-cuda/src/fused-trainer.test.ts';
import { run } from './mini-vitest.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: '.' } } });
const lines = [];
const counts = await run((line) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
});
writeFileSync(join(values.out, 'cuda-tests.txt'), `${lines.join('\n')}\n`);
process.exitCode = counts.failed > 0 ? 1 : 0;
