// The catalogue of diagnostic codes. Codes are stable: tests, docs and users' scripts refer to
// them, so a code is never reused for another meaning. E = error, W = warning.
//
//   E0101  unknown name        →  `X -> Y @ kk`  where no rate `kk` exists

/** Every diagnostic code (`E0101`, `W0606`, …) with a one-line description. */
export const codes = {
  // syntax
  E0001: "lexical error: a character that starts no token",
  E0002: "syntax error",
  // names and types
  E0101: "unknown name",
  E0102: "duplicate definition",
  E0103: "unknown module or activation",
  E0104: "wrong number of arguments",
  E0105: "wrong kind of argument (species, dual species or number)",
  E0106: "dual-rail misuse",
  E0107: "unknown or misplaced named argument",
  E0108: "recursive module",
  E0109: "a name of the wrong kind (a number where a species is needed, or the reverse)",
  E0110: "invalid stoichiometry",
  E0111: "activation does not provide a required template",
  E0112: "unknown function",
  E0113: "no target to compile, or an ambiguous one",
  E0114: "unknown setting or duplicate setting",
  // values
  E0201: "size must be a positive integer",
  E0202: "invalid parameter value (a `require` of the activation failed)",
  E0203: "rate constant must be a non-negative finite number",
  E0204: "period must be positive",
  E0205: "iterations must be an integer in [1, 2^32)",
  E0206: "split must be a fraction in (0, 1]",
  E0207: "invalid value",
  E0208: "expression is not a constant",
  E0209: "initial concentration must be non-negative",
  E0210: "network has no layers or no input",
  E0211: "program nested too deeply to compile",
  E0212: "a value that is not a finite number (NaN or ±∞)",
  E0213: "closed form of an activation is malformed",
  // files
  E0301: "import not found",
  E0302: "import cycle",
  E0303: "file cannot be read",
  E0304: "not a .crnn text file (a binary, or bytes that are not UTF-8 text)",
  E0305: "source file too large",
  // data
  E0401: "unknown dataset",
  E0402: "dataset shape does not fit the network",
  E0403: "dataset file is malformed",
  E0404: "a feature is negative (inputs are concentrations)",
  // rate laws
  E0501: "rate law refers to an unknown name",
  // SBML read-back
  E0701: "malformed SBML (not XML, or not readable as SBML)",
  E0702: "unsupported SBML construct (outside the ODE meaning crnnc simulates)",
  // warnings
  W0601: "unused species",
  W0602: "not a pure mass-action network",
  W0603: "unused definition",
  W0604: "setting has no effect here",
  W0605: "reaction changes nothing",
  W0606: "a name is written differently in SBML and Antimony (another tool would read it as something else)",
  W0701: "SBML element left out of the simulation (a constraint, a rule or trigger without math)",
} as const;

export type Code = keyof typeof codes;
