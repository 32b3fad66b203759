// libSBML's Emscripten module ships no types: the language worker loads it for SBML export.
declare module "libsbmljs_stable";
