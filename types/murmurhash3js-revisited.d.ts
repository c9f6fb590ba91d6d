// Types for the dev-only test oracle, which ships none.
declare module 'murmurhash3js-revisited' {
  const MurmurHash3: {
    x86: { hash32(bytes: ArrayLike<number>, seed?: number): number };
  };
  export default MurmurHash3;
}
