// Epoch seconds below this are read as seconds (until the year 5138), above it as milliseconds.
const MILLISECONDS_FROM = 1e11;

/**
 * Seconds since the epoch from a time field: an integer or decimal count of seconds or milliseconds (told apart by
 * size), or an ISO 8601 date or date-time (UTC unless it names an offset). Undefined when the field is none of these.
 */
export function parseTimeValue(field: string): number | undefined {
  const text = field.trim();
  if (text === '') return undefined;
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    return Math.abs(value) >= MILLISECONDS_FROM ? value / 1000 : value;
  }
  // Dates only in ISO form: Date.parse accepts other shapes too, differently per runtime.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
    return undefined;
  // A date-time without an offset is UTC, as a date alone is: the machine's time zone must not change the data.
  const iso = text.replace(' ', 'T');
  const ms = Date.parse(/T[^Z+-]*$/.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
