// The examples for the page's menu, as text (the workers have their own copies in vfs.ts for
// compiling; the page needs only the text to put in the editor).
const files = import.meta.glob("../../examples/*.crnn", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const byName = new Map(Object.entries(files).map(([p, t]) => [p.replace(/^.*\//, "").replace(/\.crnn$/, ""), t]));

export const EXAMPLE_NAMES: readonly string[] = [...byName.keys()].sort();
export const exampleText = (name: string): string | undefined => byName.get(name);
