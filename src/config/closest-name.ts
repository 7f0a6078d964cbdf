/** Levenshtein edit distance between two strings (by UTF-16 code unit). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known name closest to `given`, or undefined when none is close. Like HCL's `nameSuggestion`,
 * a suggestion is made only when the distance is below 3.
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const name of known) {
    const d = levenshtein(given, name);
    if (d < 3 && d < bestDist) {
      best = name;
      bestDist = d;
    }
  }
  return best;
}
