import { backends } from '@bloom/core';
import { cpuBackend } from './base.js';

export { CPU, cpuBackend } from './base.js';

// Importing the package makes the backend available by name, as every Bloom plugin does.
if (!backends.has(cpuBackend.name)) backends.register(cpuBackend);
