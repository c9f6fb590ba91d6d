/**
 * The k highest of `scores[catalog[j]]` over the catalog, best first (ties: the lower item id first), skipping
 * `excluded` items; with `aligned`, `scores[j]` is catalog item j's score instead. A binary min-heap of k entries:
 * one pass over the catalog, O(n log k), no sort of every score.
 * @returns the item ids and their scores, best first (fewer than k when fewer are eligible).
 */
export function topK(
  scores: Float32Array,
  catalog: Int32Array,
  k: number,
  excluded?: ReadonlySet<number>,
  aligned = false,
): { items: Int32Array; scores: Float32Array } {
  const heapItems = new Int32Array(k);
  const heapScores = new Float32Array(k);
  let size = 0;
  // a ranks below b: lower score, or the same score and a higher id.
  const below = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  for (let j = 0; j < catalog.length; j++) {
    const item = catalog[j]!;
    const s = aligned ? scores[j]! : scores[item]!;
    // Most items lose to the heap's lowest at once: compare before the (costlier) exclusion lookup.
    if (size === k && (s < heapScores[0]! || (s === heapScores[0]! && item > heapItems[0]!))) continue;
    if (Number.isNaN(s) || excluded?.has(item)) continue;
    if (size < k) {
      // Sift up.
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(s, item, heapScores[parent]!, heapItems[parent]!)) break;
        heapScores[at] = heapScores[parent]!;
        heapItems[at] = heapItems[parent]!;
        at = parent;
      }
      heapScores[at] = s;
      heapItems[at] = item;
    } else if (k > 0 && below(heapScores[0]!, heapItems[0]!, s, item)) {
      // Replace the root (the lowest of the k) and sift down.
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= k) break;
        const right = left + 1;
        const child =
          right < k && below(heapScores[right]!, heapItems[right]!, heapScores[left]!, heapItems[left]!)
            ? right
            : left;
        if (!below(heapScores[child]!, heapItems[child]!, s, item)) break;
        heapScores[at] = heapScores[child]!;
        heapItems[at] = heapItems[child]!;
        at = child;
      }
      heapScores[at] = s;
      heapItems[at] = item;
    }
  }
  // Pop ascending into the tail: best first.
  const items = new Int32Array(size);
  const best = new Float32Array(size);
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) =>
    below(heapScores[a]!, heapItems[a]!, heapScores[b]!, heapItems[b]!) ? 1 : -1,
  );
  order.forEach((from, to) => {
    items[to] = heapItems[from]!;
    best[to] = heapScores[from]!;
  });
  return { items, scores: best };
}
