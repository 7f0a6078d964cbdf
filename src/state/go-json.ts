import { lazyLayoutOf, lazySourceOf } from './parse-json.ts';
import {
  arrayItem,
  arrayLength,
  GO_NEEDS_ESCAPE as NEEDS_ESCAPE,
  type RawArray,
  type RawJson,
  type RawObject,
} from './raw-json.ts';

/**
 * Go `encoding/json` string quoting (HTML escaping on, as `json.Marshal` does):
 * `<`, `>`, `&` → `\u003c` `\u003e` `\u0026`; U+2028/U+2029 escaped; control characters as
 * short escapes or `\u00xx`; lone surrogates (invalid UTF-8 in Go) → `\ufffd`; everything else raw.
 * See the spec's Appendix A.
 */
export function goQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          rep = '\\"';
          break;
        case 0x5c:
          rep = '\\\\';
          break;
        case 0x0a:
          rep = '\\n';
          break;
        case 0x0d:
          rep = '\\r';
          break;
        case 0x09:
          rep = '\\t';
          break;
        case 0x08:
          rep = '\\b';
          break;
        case 0x0c:
          rep = '\\f';
          break;
        default:
          rep = '\\u00' + c.toString(16).padStart(2, '0');
      }
    } else if (c === 0x2028 || c === 0x2029) {
      rep = '\\u' + c.toString(16);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const isHigh = c <= 0xdbff;
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair: emitted raw
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

const HTML_OR_LINESEP = /[<>&\u2028\u2029]/g;
const HTML_OR_LINESEP_TEST = /[<>&\u2028\u2029]/;
const HTML_REPLACEMENTS: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * What Go's `json.Compact` (HTML-escaping on, as inside `json.Marshal`) does to one string token of
 * raw JSON: bytes are copied verbatim except `<`, `>`, `&`, U+2028 and U+2029, which are escaped.
 */
export function goCompactStringToken(rawToken: string): string {
  if (!HTML_OR_LINESEP_TEST.test(rawToken)) return rawToken;
  return rawToken.replace(HTML_OR_LINESEP, (c) => HTML_REPLACEMENTS[c] ?? c);
}

/**
 * Serialises a {@link RawJson} tree exactly like Go: `indent === ''` gives `json.Marshal`'s compact
 * form, otherwise `json.MarshalIndent(v, "", indent)` (newline + indent per level, `": "` between key
 * and value, empty `{}` / `[]` on one line). Number text is copied, parsed strings keep their source
 * spelling (see {@link goCompactStringToken}), other strings are quoted with {@link goQuote}.
 * No trailing newline is added.
 */
export function goMarshal(node: RawJson, indent = ''): string {
  // With no chunk limit the generator yields the whole text as its one piece.
  for (const text of goMarshalChunks(node, indent, Infinity)) return text;
  return '';
}

/**
 * {@link goMarshal} as a sequence of pieces of about `chunkSize` UTF-16 units, produced only as they
 * are taken: a consumer that waits between pieces (for a slow pipe) holds one piece at a time.
 */
export function* goMarshalChunks(node: RawJson, indent: string, chunkSize = 1 << 16): Generator<string> {
  let out: string[] = [];
  let pending = 0;
  const push = (piece: string): void => {
    out.push(piece);
    pending += piece.length;
  };
  const sep = indent === '' ? ':' : ': ';
  // Explicit stack instead of recursion: state files may nest up to Go's limit of 10000 levels.
  const stack: { node: RawArray | RawObject; i: number; pad: string }[] = [];
  let cur: RawJson = node;
  let pad = '\n';
  for (;;) {
    if (pending >= chunkSize) {
      yield out.join('');
      out = [];
      pending = 0;
    }
    switch (cur.kind) {
      case 'null':
        push('null');
        break;
      case 'bool':
        push(cur.value ? 'true' : 'false');
        break;
      case 'number':
        push(cur.text);
        break;
      case 'string':
        push(cur.raw === undefined ? goQuote(cur.value) : goCompactStringToken(cur.raw));
        break;
      case 'array':
      case 'object': {
        // A lazily parsed container whose source already is exactly what we would write here is
        // copied as it is (and never built).
        const src = lazySourceOf(cur);
        if (src !== undefined && lazyFits(cur, src, pad, indent)) {
          push(src);
          break;
        }
        if (cur.kind === 'object') {
          if (cur.entries.length === 0) push('{}');
          else {
            push('{');
            stack.push({ node: cur, i: 0, pad });
          }
          break;
        }
        if (arrayLength(cur) === 0) push('[]');
        else {
          push('[');
          stack.push({ node: cur, i: 0, pad });
        }
        break;
      }
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (out.length > 0) yield out.join('');
        return;
      }
      const n = top.node;
      const len = n.kind === 'array' ? arrayLength(n) : n.entries.length;
      if (top.i < len) {
        const inner = indent === '' ? '' : top.pad + indent;
        if (top.i > 0) push(',');
        push(inner);
        if (n.kind === 'array') cur = arrayItem(n, top.i);
        else {
          const [k, v] = n.entries[top.i] as readonly [string, RawJson];
          push(goQuote(k));
          push(sep);
          cur = v;
        }
        pad = inner;
        top.i++;
        break;
      }
      const close = n.kind === 'array' ? ']' : '}';
      push(indent === '' ? close : top.pad + close);
      stack.pop();
    }
  }
}

const QUOTE_OR_BACKSLASH = /["\\]/g;

/**
 * {@link isMarshalled} for a lazy node, answered from the layout the parser recorded while it
 * validated the node (see `lazyLayoutOf`) when the writer indents by two spaces, as Terraform does;
 * the same verdict without a second pass over the node's bytes.
 */
function lazyFits(node: RawJson, src: string, pad: string, indent: string): boolean {
  const layout = indent === '  ' ? lazyLayoutOf(node) : undefined;
  if (layout === undefined) return isMarshalled(src, pad, indent);
  return layout === '*' || layout === pad;
}

/**
 * True when `src` (a valid JSON container) is byte for byte what {@link goMarshal} writes for its
 * tree at a position whose line prefix is `pad` (`"\n"` + indentation; ignored when `indent` is
 * `""`): whitespace exactly where the writer puts it, no character the writer would re-escape, and
 * object keys spelled as {@link goQuote} spells them. Conservative: `false` means "write it".
 */
export function isMarshalled(src: string, pad: string, indent: string): boolean {
  if (HTML_OR_LINESEP_TEST.test(src)) return false;
  const sep = indent === '' ? ':' : ': ';
  const n = src.length;
  const objects: boolean[] = [];
  let cur = indent === '' ? '' : pad;
  let expectKey = false;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote: the next quote not escaped (the source is valid JSON).
      let j = i + 1;
      for (;;) {
        QUOTE_OR_BACKSLASH.lastIndex = j;
        QUOTE_OR_BACKSLASH.test(src);
        j = QUOTE_OR_BACKSLASH.lastIndex - 1;
        if (src.charCodeAt(j) === 0x22) break;
        j += 2;
      }
      if (expectKey) {
        if (NEEDS_ESCAPE.test(src.slice(i + 1, j))) return false;
        if (!src.startsWith(sep, j + 1)) return false;
        i = j + 1 + sep.length;
        expectKey = false;
        continue;
      }
      i = j + 1;
    } else if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (src.charCodeAt(i + 1) === close) i += 2;
      else {
        objects.push(c === 0x7b);
        if (indent !== '') cur += indent;
        i++;
        if (!src.startsWith(cur, i)) return false;
        i += cur.length;
        expectKey = c === 0x7b;
        continue;
      }
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x3a) {
      return false;
    } else if (c === 0x7d || c === 0x5d) {
      return false;
    } else {
      // number or literal: up to the next structural character
      i++;
      for (;;) {
        const d = src.charCodeAt(i);
        if (
          i >= n ||
          d === 0x2c ||
          d === 0x7d ||
          d === 0x5d ||
          d === 0x20 ||
          d === 0x0a ||
          d === 0x0d ||
          d === 0x09
        )
          break;
        i++;
      }
    }
    // After a value: a comma and the next member, or the closer(s).
    for (;;) {
      const top = objects.length - 1;
      if (top < 0) return i === n;
      const d = src.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        if (!src.startsWith(cur, i)) return false;
        i += cur.length;
        expectKey = objects[top] === true;
        break;
      }
      const outer = indent === '' ? '' : cur.slice(0, cur.length - indent.length);
      if (!src.startsWith(outer, i)) return false;
      i += outer.length;
      if (src.charCodeAt(i) !== (objects[top] ? 0x7d : 0x5d)) return false;
      i++;
      objects.pop();
      cur = outer;
    }
  }
  return false;
}

/**
 * Compares two strings by their UTF-8 bytes, as Go's `<` on strings (and `sort.Strings` for map keys)
 * does. Differs from JS `<` only for astral characters versus U+E000–U+FFFF.
 */
export function goStringLess(a: string, b: string): boolean {
  return goStringCompare(a, b) < 0;
}

/** Three-way UTF-8 byte-order comparison (see {@link goStringLess}). */
export function goStringCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral chars) sort after U+E000–U+FFFF in UTF-8 / code point order.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
