import { describeBackendConformance } from '@bloom/conformance';
import { cpuBackend } from './base.js';

describeBackendConformance({ name: 'cpu', create: () => cpuBackend.create() });
