// Helpers shared by this package's tests (excluded from the build with the tests).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository, where CI provides ML-100K and ml-latest-small. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

/** SHA-256 over the raw bytes of the arrays, as the Python reference computes it. */
export function digest(...arrays: ArrayBufferView[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

interface SequenceCase {
  max_length: number;
  min_length: number | null;
  step_size: number | null;
  count: number;
  first: number[];
  last: number[];
  digest: string;
}
interface Rows {
  train_rows: number[];
  test_rows: number[];
}
/** Shape of packages/data/src/fixtures/spotlight-data.json. */
export interface SpotlightFixture {
  ml100k: {
    random_split_seed42: {
      train: number;
      test: number;
      test_head: number[][];
      test_digest: string;
      train_digest: string;
    };
    user_split_seed42: {
      hash_seed: number;
      train: number;
      test: number;
      test_users: number[];
      test_digest: string;
    };
    sequence_defaults: SequenceCase;
    sequence_len5_min3_step2: SequenceCase;
    sequence_len20_step1: SequenceCase;
  };
  small: {
    user_ids: number[];
    item_ids: number[];
    timestamps: number[];
    random_split_seed7_p025: Rows;
    user_split_seed7_p05: Rows;
    sequence_len4_min2_step3: { sequences: number[][]; user_ids: number[] };
  };
}

/** The fixture written by tools/reference/spotlight_data_vectors.py. */
export function spotlightFixture(): SpotlightFixture {
  return JSON.parse(readFileSync(new URL('./fixtures/spotlight-data.json', import.meta.url), 'utf8'));
}
