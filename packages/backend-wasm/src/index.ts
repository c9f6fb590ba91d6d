import { backends } from '@bloom/core';
import { wasmBackend } from './base.js';

export { WASM, wasmBackend } from './base.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(wasmBackend.name)) backends.register(wasmBackend);
