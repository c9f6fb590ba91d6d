// Helpers shared by this package's tests (excluded from the build with the tests).
import { fileURLToPath } from 'node:url';
import {
  generateSequential,
  type SequenceInteractions,
  SPOTLIGHT_SEQUENCE_DATA,
  userBasedTrainTestSplit,
} from '@bloom/data';

/** ../shared/data beside the repository, where CI provides ML-100K. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

/**
 * Spotlight's sequence test data: 100 users, 100 items, 20000 interactions, concentration 1e-3, order 2,
 * user-based split (seed 42), sequences of length 10.
 */
export function spotlightSyntheticSequences(): { train: SequenceInteractions; test: SequenceInteractions } {
  const data = generateSequential({ ...SPOTLIGHT_SEQUENCE_DATA, seed: 42 });
  const split = userBasedTrainTestSplit(data, { seed: 42 });
  return { train: split.train.toSequence({ maxLength: 10 }), test: split.test.toSequence({ maxLength: 10 }) };
}
