// XML text → a light element tree for the SBML reader, with each element's line and column
// for diagnostics. saxes (the conformant streaming parser jsdom uses) does the parsing; the
// tree keeps local names (prefixes dropped; the SBML, MathML and crnnc namespaces never clash
// in the elements the reader looks at), attributes and trimmed text. <notes> are skipped, and
// so is every annotation but crnnc's own, so a 15 MB model builds only what is read.
//
//   parseXml('<sbml level="3"><model id="m"/></sbml>')  →  { name: "sbml", attrs: { level: "3" }, children: [{ name: "model", ... }] }

import { SaxesParser } from "saxes";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside, trimmed (MathML's <cn> and <ci>). */
  text: string;
  line: number;
  col: number;
  /** Attributes with a namespace prefix, by their qualified name (`comp:required`), when there are any. */
  prefixed?: Record<string, string>;
  /** For an <annotation>: its raw inner XML, re-serialised (crnnc's own annotations are read from it). */
  raw?: string;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

const local = (name: string): string => {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
};

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function parseXml(text: string): XmlElement {
  const p = new SaxesParser({ position: true });
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "", line: 1, col: 1 };
  const stack: XmlElement[] = [root];
  // Inside a skipped subtree (notes, foreign annotations): its depth; inside an annotation: its raw text.
  let skip = 0;
  let raw: string[] | undefined;
  let rawDepth = 0;
  let error: XmlError | undefined;
  p.on("error", (e) => {
    error ??= new XmlError(e.message.replace(/^\d+:\d+: /, ""), p.line, p.column);
  });
  // Where a tag starts (saxes reports positions after what it read): `<` of the open tag.
  let tagLine = 1;
  let tagCol = 1;
  p.on("opentagstart", (tag) => {
    tagLine = p.line;
    tagCol = p.column - tag.name.length - 1;
  });
  p.on("opentag", (tag) => {
    if (skip) {
      skip++;
      return;
    }
    const name = local(tag.name);
    const attrs: Record<string, string> = {};
    let prefixed: Record<string, string> | undefined;
    for (const [k, v] of Object.entries(tag.attributes)) {
      const value = typeof v === "string" ? v : v.value;
      attrs[local(k)] = value;
      if (k.includes(":") && !k.startsWith("xmlns")) (prefixed ??= {})[k] = value;
    }
    if (raw) {
      rawDepth++;
      raw.push(
        `<${tag.name}${Object.entries(tag.attributes)
          .map(([k, v]) => ` ${k}="${esc(typeof v === "string" ? v : v.value)}"`)
          .join("")}${tag.isSelfClosing ? "/>" : ">"}`,
      );
      return;
    }
    if (name === "notes") {
      skip = 1;
      return;
    }
    const el: XmlElement = { name, attrs, children: [], text: "", line: tagLine, col: tagCol, ...(prefixed ? { prefixed } : {}) };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
    if (name === "annotation") {
      raw = [];
      rawDepth = 0;
    }
  });
  p.on("text", (t) => {
    if (skip) return;
    if (raw) raw.push(esc(t));
    else if (t.trim()) {
      // <cn type="e-notation"> 1.5 <sep/> 3 </cn>: the two parts stay apart.
      const el = stack[stack.length - 1]!;
      el.text = el.text ? `${el.text} ${t.trim()}` : t.trim();
    }
  });
  p.on("closetag", (tag) => {
    if (skip) {
      skip--;
      return;
    }
    if (raw && rawDepth > 0) {
      rawDepth--;
      if (!tag.isSelfClosing) raw.push(`</${tag.name}>`);
      return;
    }
    const el = stack.pop()!;
    if (raw && el.name === "annotation") {
      el.raw = raw.join("");
      raw = undefined;
    }
  });
  try {
    p.write(text).close();
  } catch (e) {
    error ??= new XmlError((e as Error).message, p.line, p.column);
  }
  if (error) throw error;
  return root;
}

/** The child elements named `name`. */
export function kids(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The first child element named `name`. */
export function kid(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** The children of the list element `list` (listOfSpecies → species). */
export function listOf(el: XmlElement | undefined, list: string, item: string): XmlElement[] {
  return kids(kid(el, list), item);
}
