import { describe, expect, it } from 'vitest';
import { requirementOutcome } from './requirements.js';

describe('requirementOutcome', () => {
  it('runs a suite whose requirement is met, whatever CI asks', () => {
    expect(requirementOutcome(undefined, 'BLOOM_REQUIRE_X', {})).toBe('run');
    expect(requirementOutcome(undefined, 'BLOOM_REQUIRE_X', { BLOOM_REQUIRE_X: '1' })).toBe('run');
  });

  it('skips a suite whose requirement is missing, unless its variable is 1', () => {
    expect(requirementOutcome('no Chromium', 'BLOOM_REQUIRE_X', {})).toBe('skip');
    expect(requirementOutcome('no Chromium', 'BLOOM_REQUIRE_X', { BLOOM_REQUIRE_X: '0' })).toBe('skip');
    expect(requirementOutcome('no Chromium', 'BLOOM_REQUIRE_X', { BLOOM_REQUIRE_Y: '1' })).toBe('skip');
    expect(requirementOutcome('no Chromium', 'BLOOM_REQUIRE_X', { BLOOM_REQUIRE_X: '1' })).toBe('fail');
  });
});
