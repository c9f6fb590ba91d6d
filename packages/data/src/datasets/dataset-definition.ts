import type { RatingsFormat } from '../parse/ratings-format.js';

/** How a dataset's ids become table rows. */
export type IdMapping =
  /** Keep the file's ids (ML-100K: already contiguous from 1). */
  | 'raw'
  /** Contiguous 1-based ids in raw-id order (Spotlight's convention for the larger sets). */
  | 'remap';

/** Everything needed to find, fetch, verify and parse one dataset. Plain data: register your own. */
export interface DatasetDefinition {
  /** Registry name, e.g. `ml-100k`. */
  readonly name: string;
  /** Human title for listings. */
  readonly title: string;
  /** Official archive URL. */
  readonly url: string;
  /**
   * The archive's MD5 as GroupLens publishes it. Omit for archives GroupLens re-releases (the `latest`
   * sets): the `.md5` file published beside the archive is fetched and checked instead.
   */
  readonly md5?: string;
  /** Folder at the top of the archive, e.g. `ml-10M100K`. */
  readonly archiveRoot: string;
  /** Ratings file inside `archiveRoot`. */
  readonly ratingsFile: string;
  /** Licence/readme file inside `archiveRoot`, kept beside the ratings. */
  readonly readmeFile: string;
  /** Layout of the ratings file. */
  readonly format: RatingsFormat;
  /** Id convention. */
  readonly ids: IdMapping;
  /** Whether its licence allows redistribution (ML-100K and ML-1M do not). */
  readonly redistributable: boolean;
  /** Published size, for listings and sanity checks. */
  readonly ratings?: number;
}
