import { registerBuiltinHashers } from './register.js';

export { createHashFamily, type HashFamilyOptions } from './hash-family.js';
export { MULTIPLICATIVE, MultiplicativeHasher, multiplicative } from './multiplicative.js';
export { MURMUR3, Murmur3Hasher, murmur3, murmur3Bytes, murmur3Int32 } from './murmur3.js';
export {
  type AvalancheResult,
  avalanche,
  bucketLoadChiSquare,
  type ChiSquareResult,
  type CollisionResult,
  kSetCollisions,
  multisetMatchProbability,
} from './quality.js';
export { builtinHashers, registerBuiltinHashers } from './register.js';
export { SPOTLIGHT_SEEDS } from './seeds.js';
export { setWasmKernelsEnabled, wasmKernelsAvailable } from './wasm/kernels.js';
export { XXHASH32, XxHash32Hasher, xxhash32, xxhash32Bytes, xxhash32Int32 } from './xxhash32.js';
export { XXHASH64, XxHash64Hasher, xxhash64 } from './xxhash64.js';

// Importing the package makes the built-ins available by name, as every Bloom plugin does.
registerBuiltinHashers();
