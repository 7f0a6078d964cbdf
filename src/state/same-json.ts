import { goMarshal, goQuote } from './go-json.ts';
import { lazySameSource } from './parse-json.ts';
import { arrayItem, arrayLength, type RawJson } from './raw-json.ts';

/**
 * True when `goMarshal(a, indent) === goMarshal(b, indent)` (for any one `indent`), decided without
 * serialising: the trees are walked in step and stop at the first difference; containers parsed
 * lazily from identical source text are equal without being built. Used to compare large states.
 */
export function sameJsonBytes(a: RawJson, b: RawJson): boolean {
  const work: [RawJson, RawJson][] = [[a, b]];
  for (let p = work.pop(); p !== undefined; p = work.pop()) {
    const [x, y] = p;
    if (x === y) continue;
    // Different kinds never serialise alike (each starts with a different character).
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'null':
        break;
      case 'bool':
        if (x.value !== (y as typeof x).value) return false;
        break;
      case 'number':
        if (x.text !== (y as typeof x).text) return false;
        break;
      case 'string': {
        const ys = y as typeof x;
        if (x.raw !== undefined && x.raw === ys.raw) break;
        if (goMarshal(x) !== goMarshal(ys)) return false;
        break;
      }
      case 'array':
      case 'object': {
        if (lazySameSource(x, y)) break;
        if (x.kind === 'array') {
          const ya = y as typeof x;
          const n = arrayLength(x);
          if (n !== arrayLength(ya)) return false;
          for (let i = n - 1; i >= 0; i--) work.push([arrayItem(x, i), arrayItem(ya, i)]);
        } else {
          const ye = (y as typeof x).entries;
          if (x.entries.length !== ye.length) return false;
          for (let i = x.entries.length - 1; i >= 0; i--) {
            const [kx, vx] = x.entries[i] as readonly [string, RawJson];
            const [ky, vy] = ye[i] as readonly [string, RawJson];
            if (kx !== ky && goQuote(kx) !== goQuote(ky)) return false;
            work.push([vx, vy]);
          }
        }
        break;
      }
    }
  }
  return true;
}
