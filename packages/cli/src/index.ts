export { type CliIo, processIo } from './io.js';
export { createProgram, EXIT_FAILURE, EXIT_USAGE, run } from './program.js';
