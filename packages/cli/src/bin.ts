#!/usr/bin/env node
import { exitWithParent } from './exit-with-parent.js';
import { run } from './program.js';

exitWithParent(process.env.BLOOM_PARENT_PID);
process.exitCode = await run(process.argv.slice(2));
