// The stochastic methods' names, apart from the integrators themselves, so that the command
// line can tell a stochastic run from an ODE run without loading the engine.
//
//   isStochastic("ssa")  →  true;   isStochastic("rodas5")  →  false

export const STOCHASTIC_METHODS = ["ssa", "tau-leap", "implicit-tau"] as const;

/** Is this method stochastic (molecule counts) rather than an ODE integrator? */
export const isStochastic = (method: string | undefined): boolean => (STOCHASTIC_METHODS as readonly string[]).includes(method ?? "");

/** Ω when a .crnn run does not say: 1000 molecules per unit concentration. */
export const DEFAULT_VOLUME = 1000;
