/**
 * Query protocol output: output objects written straight to XML text, driven by the model.
 * Flattened lists and maps repeat their element in the parent (`<Message>…</Message><Message>…`,
 * `<Attribute><Name>…</Name><Value>…</Value></Attribute>`), as SQS has always answered.
 */
import { base64, booleanText, integerText } from './output.js';
import type { Shape, StructureShape } from './model.js';

const XML_SPECIAL = /[&<>"\r]/;
const XML_SPECIAL_ALL = /[&<>"\r]/g;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' };

/**
 * Text-node escaping as SQS does it: besides `&`, `<` and `>`, a `"` becomes `&quot;` and a CR
 * becomes `&#xD;` (a raw CR would be normalised to LF by the client's XML parser).
 */
export function escapeXml(s: string): string {
  return XML_SPECIAL.test(s) ? s.replace(XML_SPECIAL_ALL, (c) => XML_ESCAPES[c]) : s;
}

/** The children of an operation's `<OpResult>` element; '' when there is nothing to say. */
export function encodeXmlOutput(shape: StructureShape | undefined, value: Record<string, unknown> | undefined): string {
  return shape && value ? encodeStructure(shape, value) : '';
}

function encodeStructure(shape: StructureShape, obj: Record<string, unknown>): string {
  let s = '';
  for (const m of shape.members) {
    const v = obj[m.name];
    if (v === undefined || v === null) continue;
    const t = m.shape;
    if (t.type === 'list') {
      if (!Array.isArray(v)) throw new TypeError(`output list expected for ${m.name}`);
      if (t.flattened) {
        for (const item of v) s += m.xmlOpen + encodeValue(t.member, item) + m.xmlClose;
      } else {
        s += m.xmlOpen;
        for (const item of v) s += '<member>' + encodeValue(t.member, item) + '</member>';
        s += m.xmlClose;
      }
    } else if (t.type === 'map') {
      const map = v as Record<string, unknown>;
      let entries = '';
      for (const key of Object.keys(map)) {
        const item = map[key];
        if (item === undefined || item === null) continue;
        const entry = t.keyOpen + escapeXml(key) + t.keyClose + t.valueOpen + encodeValue(t.value, item) + t.valueClose;
        entries += t.flattened ? m.xmlOpen + entry + m.xmlClose : '<entry>' + entry + '</entry>';
      }
      s += t.flattened ? entries : m.xmlOpen + entries + m.xmlClose;
    } else {
      s += m.xmlOpen + encodeValue(t, v) + m.xmlClose;
    }
  }
  return s;
}

/** The content of one element (no surrounding tags). */
function encodeValue(shape: Shape, v: unknown): string {
  switch (shape.type) {
    case 'string':
      return escapeXml(typeof v === 'string' ? v : String(v));
    case 'integer':
    case 'long':
      return integerText(v);
    case 'boolean':
      return booleanText(v);
    case 'blob':
      return base64(v);
    case 'structure':
      return encodeStructure(shape, v as Record<string, unknown>);
    case 'list':
    case 'map':
      // Lists and maps are only ever members of structures in this model, handled there.
      throw new TypeError(`nested ${shape.type} without a member name`);
  }
}
