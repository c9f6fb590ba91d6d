export { type ConformanceOptions, describeBackendConformance } from './backend-suite.js';
export {
  maxError,
  type ReferenceState,
  referenceGradient,
  referenceLookup,
  referenceStep,
} from './reference.js';
export { describeRequiring, type RequirementOutcome, requirementOutcome } from './requirements.js';
