// libSBML's Emscripten module ships no types: the language worker loads it for SBML export.
declare module "libsbmljs_stable";

// The bundled examples' counts, computed when the site is built (vite.config.ts, exampleSummaries).
declare module "virtual:crnnc-example-summaries" {
  const summaries: Record<string, { kind: string; name: string; speciesCount: number; reactionCount: number }>;
  export default summaries;
}
