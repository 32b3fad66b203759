// The Systems Biology Ontology terms the SBML writer puts on its elements (`sboTerm`), chosen
// to say no more than crnnc knows: a species is a material entity (the paper's species are
// abstract, not a particular chemical), a catalyst is marked by its role in each reaction, not
// on the species, and a rate law that is not mass action is only called a rate law.
// docs/sbml.md lists the same table.
//
//   <reaction sboTerm="SBO:0000176"> … <kineticLaw sboTerm="SBO:0000012">

export const SBO = {
  /** The model: continuous framework (deterministic ODEs). */
  model: "SBO:0000062",
  /** The compartment `cell`: physical compartment. */
  compartment: "SBO:0000290",
  /** Every species: material entity. */
  species: "SBO:0000240",
  /** Every reaction: biochemical reaction. */
  reaction: "SBO:0000176",
  /** A mass-action kinetic law (catalysts' concentrations included): mass action rate law. */
  massAction: "SBO:0000012",
  /** Any other kinetic law crnnc writes (`@ rate(...)`): rate law. */
  rateLaw: "SBO:0000001",
  /** A species consumed: reactant. */
  reactant: "SBO:0000010",
  /** A species made: product. */
  product: "SBO:0000011",
  /** A species on both sides of a mass-action reaction with the same stoichiometry: catalyst. */
  catalyst: "SBO:0000013",
  /** A species a rate law reads that the reaction does not change: modifier (it may speed or slow the reaction). */
  modifier: "SBO:0000019",
  /** A rate constant (and its per-order copies): kinetic constant. */
  kineticConstant: "SBO:0000009",
  /** Any other parameter (activation parameters, the period, M_ref, the schedule's counters): quantitative systems description parameter. */
  parameter: "SBO:0000002",
} as const;

/** The number Antimony writes after `sboTerm = ` (it takes the integer): "SBO:0000176" → 176. */
export const sboNumber = (term: string): number => Number(term.slice(4));
