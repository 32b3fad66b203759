// The stages of src/ and the directions data may flow between them (README, "Architecture").
// `npm run lint` checks every import against this map: an import that no `allowed` rule
// covers is an error, as are import cycles and libSBML outside backends/sbml/. A red lint is a
// design question, not a formatting one. test/lint.test.ts plants violations to show it fails.
//
//   ir/ → util/ only;  sim/ → ir/;  train/ → sim/, ir/;  backends/ → ir/, analysis/ ...

/** Folder → the folders (besides itself) it may import. */
const MAP = {
  util: [],
  ir: ["util"],
  syntax: ["ir", "diagnostics", "util"],
  diagnostics: ["ir", "util"],
  load: ["syntax", "diagnostics", "ir", "util"],
  data: ["ir", "util"],
  check: ["syntax", "load", "diagnostics", "data", "ir", "util"],
  lower: ["check", "syntax", "diagnostics", "ir", "util"],
  passes: ["ir", "util"],
  analysis: ["ir", "util"],
  backends: ["analysis", "diagnostics", "ir", "util"],
  sim: ["ir", "util"],
  train: ["sim", "ir", "util"],
  format: ["syntax", "diagnostics", "ir", "util"],
  plot: ["train", "data", "ir", "util", "version"],
  // The driver (src/compile.ts) and the library conveniences (src/library.ts) are stages too.
  compile: ["syntax", "load", "check", "lower", "passes", "diagnostics", "ir", "util"],
  library: ["train", "data", "ir", "util"],
  // SBML models as the Test Suite and users run them: read (backends/sbml), simulate (sim).
  sbml: ["backends", "sim", "diagnostics", "ir", "util"],
  // Ensembles of stochastic runs on worker threads: a .crnn file (compile) or an SBML model (sbml).
  ensemble: ["compile", "sbml", "backends", "sim", "diagnostics", "ir", "util"],
  // The language service (editors, the LSP server, a browser playground): the front half and the printer, no engine.
  service: ["compile", "load", "check", "format", "syntax", "diagnostics", "data", "ir", "util"],
  sweep: ["compile", "train", "sim", "passes", "data", "diagnostics", "plot", "ir", "util", "version"],
  cli: ["*"],
  index: ["*"],
};

const folder = (name) => (name === "compile" || name === "library" || name === "index" ? `^src/${name}\\.ts$` : `^src/${name}/`);
const target = (name) => (name === "version" ? "^src/version\\.ts$" : folder(name));

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "Stages import one way; a cycle means two files are one stage, or a type is in the wrong place.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "libsbml-only-in-backends-sbml",
      comment: "libSBML is the SBML back end's business.",
      severity: "error",
      from: { pathNot: "^src/backends/sbml/" },
      to: { path: "libsbmljs_stable" },
    },
    {
      name: "no-disk-below-the-front",
      comment:
        "The IR, the passes, the engine, the trainer and the language service read no files: what they need comes in as data (the host interface loads sources, data/ loads datasets).",
      severity: "error",
      from: { path: "^src/(ir|passes|lower|sim|train|analysis|service)/" },
      to: { dependencyTypes: ["core"], path: "^(node:)?(fs|fs/promises|child_process|worker_threads)$" },
    },
    // vega-lite's types are found by TypeScript through its typesVersions map, which the resolver here does not read.
    { name: "not-to-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true, pathNot: "^vega-lite/types_unstable/" } },
  ],
  allowed: [
    ...Object.entries(MAP).map(([from, tos]) => ({
      from: { path: folder(from) },
      to: { path: tos.includes("*") ? "^src/" : `(${[from, ...tos].map(target).join("|")})` },
    })),
    { from: { path: "^src/" }, to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "core"] } },
    { from: { path: "^src/plot/" }, to: { path: "^vega-lite/types_unstable/" } },
    { from: { path: "^src/" }, to: { path: "^src/version\\.ts$" } },
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js"] },
  },
};
