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

/** Parses a request body as XML; throws `MalformedXML` when it is not well-formed or lacks `root`. */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '' || XMLValidator.validate(text) !== true) throw new S3Error('MalformedXML');
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
