/**
 * Spotlight's 24 hash seeds (primes), also the prime list of the original multiplicative scheme. A hash family
 * takes its first k unless the caller gives its own.
 */
export const SPOTLIGHT_SEEDS: readonly number[] = Object.freeze([
  179424941, 179425457, 179425907, 179426369, 179424977, 179425517, 179425943, 179426407, 179424989,
  179425529, 179425993, 179426447, 179425003, 179425537, 179426003, 179426453, 179425019, 179425559,
  179426029, 179426491, 179425027, 179425579, 179426081, 179426549,
]);
