/**
 * Go `strconv.Quote`: double-quoted with Go escapes; printable Unicode (Go's `unicode.IsPrint`:
 * letters, marks, numbers, punctuation, symbols and the ASCII space) stays raw.
 */
export function strconvQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 in Go: it prints the replacement character.
      out += '\\ufffd';
      continue;
    }
    if (ch === ' ' || !NON_PRINT.test(ch)) {
      out += ch;
      continue;
    }
    if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const NON_PRINT = /^[\p{C}\p{Z}]$/u;
