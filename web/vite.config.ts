// The playground's build (`npm run build:web` → web/dist/): a static site, relative paths, so it
// runs from any folder or a file server. The library's modules are used as they are: Node's
// built-ins they name resolve to the browser shims in src/shims/ (the file system is the bundled
// stdlib, examples and datasets; see vfs.ts), and the compute runs in module workers.
import { defineConfig, type Plugin } from "vite";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules, isBuiltin } from "node:module";

/** The library's sources: no module there has effects on import, so what the page does not use is left out. */
const SRC = fileURLToPath(new URL("../src/", import.meta.url));
const shim = (f: string) => fileURLToPath(new URL(`./src/shims/${f}`, import.meta.url));
/** Built-ins with a shim of their own; every other one is made up from node-misc.ts (below). */
const OWN: Record<string, string> = { fs: "node-fs.ts", path: "node-path.ts" };
const MISC = shim("node-misc.ts");
/** The names a shim exports. */
const shimNames = (file: string) => new Set([...readFileSync(file, "utf8").matchAll(/^export (?:const|function) (\w+)/gm)].map((m) => m[1]!));
const VIRTUAL = "\0crnnc-node:";

/**
 * node:X and X for Node's built-ins → the shims: a module with every name the real one exports,
 * the shim's (node-fs.ts, node-path.ts, else node-misc.ts) where it has one, otherwise a function
 * that throws when called — so a new import of the command line's machinery somewhere in
 * src/ builds, and fails only if the page ever reaches it.
 */
function nodeShims(): Plugin {
  return {
    name: "crnnc-node-shims",
    enforce: "pre",
    resolveId(id, importer) {
      // csv-parse's own browser build (it carries the Buffer it needs).
      if (id === "csv-parse/sync") return this.resolve("csv-parse/browser/esm/sync", importer, { skipSelf: true });
      const name = id.replace(/^node:/, "");
      if (!isBuiltin(id) || (name === id && !builtinModules.includes(name))) return null;
      return VIRTUAL + name;
    },
    async load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const name = id.slice(VIRTUAL.length);
      const names = Object.keys(await import(`node:${name}`)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
      const file = OWN[name] ? shim(OWN[name]) : MISC;
      const own = shimNames(file);
      const lines = [`import * as misc from ${JSON.stringify(file)};`];
      for (const n of names)
        lines.push(
          own.has(n)
            ? `export const ${n} = misc.${n};`
            : `export const ${n} = () => { throw new Error(${JSON.stringify(`node:${name} ${n} is not available in the browser`)}); };`,
        );
      lines.push("export default {};");
      return lines.join("\n");
    },
  };
}

const SUMMARIES = "virtual:crnnc-example-summaries";

/**
 * Each bundled example's kind, name and species/reaction counts, compiled now by the built
 * library (dist/, from `npm run build`): the page shows an example's counts as it opens, before
 * the language worker has compiled it (and a browser that only loads the page, such as
 * `chromium --headless --dump-dom`, sees them too); the worker's own result then replaces them.
 */
function exampleSummaries(): Plugin {
  return {
    name: "crnnc-example-summaries",
    resolveId: (id) => (id === SUMMARIES ? `\0${SUMMARIES}` : null),
    async load(id) {
      if (id !== `\0${SUMMARIES}`) return null;
      const lib = await import(pathToFileURL(fileURLToPath(new URL("../dist/index.js", import.meta.url))).href);
      const dir = fileURLToPath(new URL("../examples/", import.meta.url));
      const out: Record<string, { kind: string; name: string; speciesCount: number; reactionCount: number }> = {};
      for (const f of readdirSync(dir)
        .filter((f) => f.endsWith(".crnn"))
        .sort()) {
        const r = lib.compileFile(`${dir}${f}`);
        if (!r.ir) throw new Error(`examples/${f} does not compile: build the playground from a checkout whose examples compile`);
        const s = lib.summarize(r.ir);
        out[f.replace(/\.crnn$/, "")] = { kind: r.ir.kind, name: r.ir.name, speciesCount: s.speciesCount, reactionCount: s.reactionCount };
      }
      return `export default ${JSON.stringify(out)};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [nodeShims(), exampleSummaries()],
  worker: {
    format: "es",
    plugins: () => [nodeShims()],
    rollupOptions: { treeshake: { moduleSideEffects: (id) => !id.startsWith(SRC) } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4000,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rollupOptions: { treeshake: { moduleSideEffects: (id) => !id.startsWith(SRC) } },
  },
  // The CLI's stdlib ASTs are not shipped: the loader parses the stdlib (it is small).
  define: { CRNNC_STDLIB_ASTS: "undefined" },
});
