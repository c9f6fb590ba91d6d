#!/usr/bin/env node
// The `bloom` command. A plain file that exists before the build, so that npm links it at install time in a
// fresh clone (`npm ci`), where dist/ is made only later by `npm run build` or `npm start`.
try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bin.js')) throw error;
  process.stderr.write('bloom: the CLI is not built yet: run `npm run build` (or `npm start`) first\n');
  process.exitCode = 1;
}
