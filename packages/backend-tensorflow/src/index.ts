import { backends } from '@bloom/core';
import { tensorflowBackend } from './base.js';

export { BINDINGS, TENSORFLOW, tensorflowBackend } from './base.js';

// Importing the package makes the backend available by name; it stays unavailable (with its reason) until a
// binding loads.
if (!backends.has(tensorflowBackend.name)) backends.register(tensorflowBackend);
