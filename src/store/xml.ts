/**
 * Small XML helpers for the store: escaping, building response documents and parsing request bodies.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from './s3-error.ts';

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** A node of a response document: text, a nested list, or an absent (skipped) value. */
export type XmlNode = string | number | boolean | undefined | null | XmlEl | XmlNode[];
/** An element: `[name, children]`. */
export type XmlEl = { name: string; children: XmlNode };

/** Builds an element. */
export function el(name: string, children: XmlNode): XmlEl {
  return { name, children };
}

function render(n: XmlNode): string {
  if (n === undefined || n === null) return '';
  if (Array.isArray(n)) return n.map(render).join('');
  if (typeof n === 'object') return `<${n.name}>${render(n.children)}</${n.name}>`;
  return xmlEscape(String(n));
}

/** Renders a complete document with the S3 namespace on the root element. */
export function xmlDoc(root: string, children: XmlNode, ns = true): string {
  const attr = ns ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attr}>${render(children)}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Decodes numeric character references (`&#34;`, `&#xA;`): Go's encoding/xml (the Go SDK, thus
  // terraform) escapes `"` in ETags as `&#34;`. Named entities beyond XML's five are refused before
  // parsing (see `checkReferences`), so only XML's own references reach this table.
  htmlEntities: true,
  isArray: (name) =>
    [
      'Part',
      'Object',
      'Tag',
      'Rule',
      'CORSRule',
      'AllowedOrigin',
      'AllowedMethod',
      'AllowedHeader',
      'ExposeHeader',
    ].includes(name),
});

const XML_NAMED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** True when `cp` is a character XML 1.0 allows in a document. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Refuses references XML does not define: named entities other than the five predefined ones (the
 * parser would otherwise decode HTML names such as `&nbsp;`) and character references to code
 * points XML does not allow (`&#0;`). CDATA sections hold literal text and are not checked.
 */
function checkReferences(text: string): void {
  const outside = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const m of outside.matchAll(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g)) {
    const ref = m[1]!;
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(cp)) throw new S3Error('MalformedXML');
    } else if (!XML_NAMED.has(ref)) {
      throw new S3Error('MalformedXML');
    }
  }
}

/**
 * Parses a request body as XML; throws `MalformedXML` when it is not well-formed or lacks `root`.
 * Text is decoded as an XML parser would: the five predefined entities and numeric character
 * references (decimal and hex) become their characters.
 */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '' || XMLValidator.validate(text) !== true) throw new S3Error('MalformedXML');
  checkReferences(text);
  const doc = parser.parse(text) as Record<string, unknown>;
  const top = doc[root];
  if (top === undefined) throw new S3Error('MalformedXML');
  if (typeof top !== 'object' || top === null) return {};
  return top as Record<string, unknown>;
}

/** Reads a string child of a parsed element. */
export function xmlText(o: unknown, name: string): string | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const v = (o as Record<string, unknown>)[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Reads an array child of a parsed element (empty when absent). */
export function xmlList(o: unknown, name: string): unknown[] {
  if (typeof o !== 'object' || o === null) return [];
  const v = (o as Record<string, unknown>)[name];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? (v as unknown[]) : [v];
}
