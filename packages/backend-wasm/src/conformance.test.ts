import { describeBackendConformance } from '@bloom/conformance';
import { wasmBackend } from './base.js';

describeBackendConformance({ name: 'wasm', create: () => wasmBackend.create() });
