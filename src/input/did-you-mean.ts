// "did you mean erp-orders?": the known words closest to a mistyped one, by Damerau-Levenshtein distance
// (the optimal-string-alignment form: insertions, deletions, substitutions, swaps of two neighbours).

/** Edits between a and b (a swap of two neighbouring characters is one edit). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest known word to `word`, when one is close: at most 2 edits, and at most a third of the word's
 * length (so "ab" never suggests "cd"). Ties go to the first in `known`. undefined = nothing close.
 */
export function closestMatch(word: string, known: Iterable<string>, maxDistance = 2): string | undefined {
  const limit = Math.min(maxDistance, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (candidate === word) continue;
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(word, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
