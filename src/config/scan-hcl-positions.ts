/**
 * A small HCL native-syntax scanner that finds *where* things are: `terraform { backend "T" { … } }`
 * blocks (and `cloud {}` blocks) with their lines, and the line of each attribute inside them.
 * Values come from `@cdktf/hcl2json`; it drops positions, which messages need ("main.tf:6").
 * It understands comments (`#`, `//`, `/* *\/`), quoted strings with `${…}` templates, heredocs and
 * bracket nesting; it does not evaluate anything.
 */

/** Position of a block's declaration (`backend "s3"`), 1-based; `endColumn` is exclusive like HCL ranges. */
export interface DeclPosition {
  line: number;
  column: number;
  endColumn: number;
}

/** A `backend "T" {}` (or `cloud {}`) block found inside a top-level `terraform {}` block. */
export interface ScannedBackendBlock {
  /** Backend type label (`s3`, `gcs`, …) or `cloud` for a `cloud {}` block. */
  type: string;
  decl: DeclPosition;
  /** Line of each attribute directly inside the block (first occurrence). */
  attributes: Map<string, number>;
  /** Lines of nested blocks (`assume_role { … }`) and the attributes inside them, by `block.attr`. */
  nested: Map<string, number>;
}

type Tok =
  | { t: 'ident'; v: string; line: number; col: number; end: number }
  | { t: 'string'; v: string; line: number; col: number; end: number }
  | { t: 'punct'; v: string; line: number; col: number }
  | { t: 'nl'; line: number };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (at: number) => at - lineStart + 1;
  const n = src.length;

  // Skips a quoted string starting at src[i] === '"'; returns its raw contents.
  const skipString = (): string => {
    const start = i + 1;
    i++;
    while (i < n) {
      const c = src[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        return src.slice(start, i - 1);
      }
      if ((c === '$' || c === '%') && src[i + 1] === '{') {
        if (src[i - 1] === c) {
          i += 2; // escaped `$${` / `%%{`
          continue;
        }
        i += 2;
        skipTemplateExpr();
        continue;
      }
      if (c === '\n') {
        // Unterminated string: stop at the line end (the parser reports the error).
        return src.slice(start, i);
      }
      i++;
    }
    return src.slice(start, i);
  };
  // Skips a `${ … }` body up to its closing brace.
  const skipTemplateExpr = (): void => {
    let depth = 1;
    while (i < n && depth > 0) {
      const c = src[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
    }
  };

  while (i < n) {
    const c = src[i] as string;
    if (c === '\n') {
      toks.push({ t: 'nl', line });
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      i += 2;
      continue;
    }
    if (c === '"') {
      const l = line;
      const startCol = col(i);
      const v = skipString();
      toks.push({ t: 'string', v, line: l, col: startCol, end: col(i) });
      continue;
    }
    if (c === '<' && src[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(i, i + 200));
      if (m) {
        const marker = m[1] as string;
        toks.push({ t: 'string', v: '', line, col: col(i), end: col(i) + 2 });
        i += m[0].length;
        line++;
        lineStart = i;
        // Consume lines until one whose trimmed content is the marker.
        while (i < n) {
          const nl = src.indexOf('\n', i);
          const lineEnd = nl === -1 ? n : nl;
          const text = src.slice(i, lineEnd).trim();
          i = nl === -1 ? n : nl + 1;
          if (text === marker) {
            // The newline after the marker ends the attribute.
            if (nl !== -1) {
              toks.push({ t: 'nl', line });
            }
            line++;
            lineStart = i;
            break;
          }
          line++;
          lineStart = i;
        }
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_-]/.test(src[i] as string)) i++;
      toks.push({ t: 'ident', v: src.slice(start, i), line, col: col(start), end: col(i) });
      continue;
    }
    toks.push({ t: 'punct', v: c, line, col: col(i) });
    i++;
  }
  return toks;
}

/**
 * Finds every `backend "T" {}` and `cloud {}` block directly inside a top-level `terraform {}`
 * block of `src`, with attribute lines. Malformed input yields whatever was found before the damage.
 */
export function scanHclBackendBlocks(src: string): ScannedBackendBlock[] {
  return scan(src, false);
}

/**
 * Attribute lines of a whole body (a `.tfbackend` file): top-level attributes in `attributes`,
 * nested blocks and their attributes in `nested`. The returned block has type `""`.
 */
export function scanHclBodyPositions(src: string): ScannedBackendBlock {
  return scan(src, true)[0] as ScannedBackendBlock;
}

function scan(src: string, bodyIsRoot: boolean): ScannedBackendBlock[] {
  const toks = tokenize(src);
  const found: ScannedBackendBlock[] = [];
  // Stack of open blocks: their type+labels; attributes expression depth handled separately.
  const stack: { name: string; labels: string[]; block?: ScannedBackendBlock; nestedName?: string }[] = [];
  if (bodyIsRoot) {
    const root: ScannedBackendBlock = {
      type: '',
      decl: { line: 1, column: 1, endColumn: 1 },
      attributes: new Map<string, number>(),
      nested: new Map<string, number>(),
    };
    found.push(root);
    stack.push({ name: '', labels: [], block: root });
  }
  let k = 0;
  const at = (j: number): Tok | undefined => toks[j];

  // Skips an attribute expression: up to a newline at bracket depth 0 (or a closing brace of the body).
  const skipExpression = (): void => {
    let depth = 0;
    while (k < toks.length) {
      const t = toks[k] as Tok;
      if (t.t === 'nl' && depth === 0) return;
      if (t.t === 'punct') {
        if (t.v === '{' || t.v === '[' || t.v === '(') depth++;
        else if (t.v === '}' || t.v === ']' || t.v === ')') {
          if (depth === 0) return; // closing brace of the enclosing body
          depth--;
        }
      }
      k++;
    }
  };

  while (k < toks.length) {
    const t = toks[k] as Tok;
    if (t.t === 'nl') {
      k++;
      continue;
    }
    if (t.t === 'punct' && t.v === '}') {
      if (!bodyIsRoot || stack.length > 1) stack.pop();
      k++;
      continue;
    }
    if (t.t !== 'ident') {
      k++;
      continue;
    }
    const next = at(k + 1);
    if (next?.t === 'punct' && next.v === '=') {
      // Attribute.
      const top = stack[stack.length - 1];
      if (top?.block && top.nestedName === undefined && !top.block.attributes.has(t.v)) {
        top.block.attributes.set(t.v, t.line);
      } else if (top?.nestedName !== undefined) {
        const parent = stack[stack.length - 2]?.block;
        const key = `${top.nestedName}.${t.v}`;
        if (parent && !parent.nested.has(key)) parent.nested.set(key, t.line);
      }
      k += 2;
      skipExpression();
      continue;
    }
    // Block header: ident labels* `{`.
    const labels: string[] = [];
    let j = k + 1;
    let lastEnd = t.end;
    while (at(j)?.t === 'string' || at(j)?.t === 'ident') {
      const l = at(j) as { v: string; end: number };
      labels.push(l.v);
      lastEnd = l.end;
      j++;
    }
    const open = at(j);
    if (!(open?.t === 'punct' && open.v === '{')) {
      k++;
      continue;
    }
    const parent = stack[stack.length - 1];
    const entry: (typeof stack)[number] = { name: t.v, labels };
    const inTerraform = stack.length === 1 && parent?.name === 'terraform';
    if (
      inTerraform &&
      ((t.v === 'backend' && labels.length === 1) || (t.v === 'cloud' && labels.length === 0))
    ) {
      const block: ScannedBackendBlock = {
        type: t.v === 'cloud' ? 'cloud' : (labels[0] as string),
        decl: { line: t.line, column: t.col, endColumn: lastEnd },
        attributes: new Map<string, number>(),
        nested: new Map<string, number>(),
      };
      found.push(block);
      entry.block = block;
    } else if (parent?.block && parent.nestedName === undefined) {
      entry.nestedName = t.v;
      if (!parent.block.nested.has(t.v)) parent.block.nested.set(t.v, t.line);
    }
    stack.push(entry);
    k = j + 1;
  }
  return found;
}
