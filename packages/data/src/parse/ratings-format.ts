/** How a ratings file is laid out: its separator, optional header and which field holds what. */
export interface RatingsFormat {
  /** Name used in messages, e.g. `MovieLens 100K u.data`. */
  readonly name: string;
  /** Field separator: one or two ASCII characters (`\t`, `,`, `::`). */
  readonly separator: string;
  /** Expected header fields when the first line is a header. */
  readonly header?: readonly string[];
  /** Number of fields on every line. */
  readonly fields: number;
  /** Field positions (0-based) of the user id, item id and optional rating and timestamp. */
  readonly user: number;
  readonly item: number;
  readonly rating?: number;
  readonly timestamp?: number;
}

/** ML-100K `u.data`: `user \t item \t rating \t timestamp`, no header. */
export const MOVIELENS_100K_FORMAT: RatingsFormat = {
  name: 'MovieLens u.data (tab-separated)',
  separator: '\t',
  fields: 4,
  user: 0,
  item: 1,
  rating: 2,
  timestamp: 3,
};

/** ML-1M and ML-10M `ratings.dat`: `UserID::MovieID::Rating::Timestamp`, no header. */
export const MOVIELENS_DAT_FORMAT: RatingsFormat = {
  name: 'MovieLens ratings.dat (::-separated)',
  separator: '::',
  fields: 4,
  user: 0,
  item: 1,
  rating: 2,
  timestamp: 3,
};

/** ML-20M, ml-latest and ml-latest-small `ratings.csv`, with its header. */
export const MOVIELENS_CSV_FORMAT: RatingsFormat = {
  name: 'MovieLens ratings.csv',
  separator: ',',
  header: ['userId', 'movieId', 'rating', 'timestamp'],
  fields: 4,
  user: 0,
  item: 1,
  rating: 2,
  timestamp: 3,
};

/** A plain file of `user,item,rating,timestamp` lines (or tab-separated), no header: a user's own data. */
function plainFormat(name: string, separator: string): RatingsFormat {
  return { name, separator, fields: 4, user: 0, item: 1, rating: 2, timestamp: 3 };
}

/** The ratings layouts a caller can name (`bloom train --format`), by name. */
export const RATINGS_FORMATS: Readonly<Record<string, RatingsFormat>> = {
  'movielens-100k': MOVIELENS_100K_FORMAT,
  'movielens-dat': MOVIELENS_DAT_FORMAT,
  'movielens-csv': MOVIELENS_CSV_FORMAT,
  csv: plainFormat('user,item,rating,timestamp (comma-separated, no header)', ','),
  tsv: plainFormat('user, item, rating, timestamp (tab-separated, no header)', '\t'),
};

/** Picks a MovieLens format from a file name (`u.data`, `*.dat`, `*.csv`), or undefined. */
export function formatForFileName(fileName: string): RatingsFormat | undefined {
  if (fileName.endsWith('u.data')) return MOVIELENS_100K_FORMAT;
  if (fileName.endsWith('.dat')) return MOVIELENS_DAT_FORMAT;
  if (fileName.endsWith('.csv')) return MOVIELENS_CSV_FORMAT;
  return undefined;
}
