// Species ids for a network, in the paper's notation, as valid SBML ids. Indices are 0-based;
// layer ℓ of a node counts from the input layer 0; weights, biases, LZ and LW carry the ℓ of
// w^ℓ (from layer ℓ to ℓ+1). The output layer is Y, as in the paper's Tables 1–3.
//
//   X0_1 input 1 · X1_3 hidden node 3 of layer 1 · Y_0 output 0 · Yhat_0 its target
//   X1_3_p, Y_0_m rails of dual-railed nodes · Z1_3_p accumulator rail (z of node 3, layer 1)
//   W0_2_1_p  plus rail of w^0_{2,1} (node 1 of layer 0 → node 2 of layer 1) · B1_0_m
//   DX1_3 slope σ' of X1_3 · A1_3 its auxiliary · LY_0_p ∂L/∂y · LZ0_2_m ∂L/∂z · LX1_3_p ∂L/∂x · LW0_2_1_p ∂L/∂w

export type Rail = "p" | "m";

export const SBML_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Ids no parameter takes (compared lower-case): what SBML's formula syntax reads as a constant
 * or symbol, and the ids the SBML and Antimony writers give the compartment, the unit
 * concentration and the schedule's counters.
 */
export const RESERVED_IDS: ReadonlySet<string> = new Set([
  "time",
  "avogadro",
  "pi",
  "exponentiale",
  "true",
  "false",
  "inf",
  "infinity",
  "nan",
  "notanumber",
  "delay",
  "rateof",
  "cell",
  "m_ref",
  "iter",
  "pos",
]);

export class NetworkNames {
  /** @param outLayer index L of the output layer */
  constructor(readonly outLayer: number) {}

  /** Layer/index suffix of a node: `1_3`, or `Y_0` on the output layer. */
  site(l: number, i: number): string {
    return l === this.outLayer ? `Y_${i}` : `${l}_${i}`;
  }

  node(l: number, i: number): string {
    return l === this.outLayer ? `Y_${i}` : `X${l}_${i}`;
  }

  /** A rail of a dual-railed node (activations with negative values): `X1_3_p`, `Y_0_m`. */
  nodeRail(l: number, i: number, r: Rail): string {
    return `${this.node(l, i)}_${r}`;
  }

  /** A rail of a node's accumulator z (activations that compute σ from z): `Z1_3_p`, `ZY_0_m`. */
  sum(l: number, i: number, r: Rail): string {
    return `Z${this.site(l, i)}_${r}`;
  }

  target(i: number): string {
    return `Yhat_${i}`;
  }

  weight(l: number, i: number, j: number, r: Rail): string {
    return `W${l}_${i}_${j}_${r}`;
  }

  bias(l: number, i: number, r: Rail): string {
    return `B${l}_${i}_${r}`;
  }

  /** σ'(z) of a node: `D` + the node's id. */
  slope(l: number, i: number): string {
    return `D${this.node(l, i)}`;
  }

  /** A template local at a node site: `A1_3`, `AY_0`; at an edge site `Q0_2_1`. */
  local(name: string, site: string): string {
    return `${name}${site}`;
  }

  /** ∂L/∂x of a node (for the output layer ∂L/∂y, `LY`). */
  lx(l: number, i: number, r: Rail): string {
    return l === this.outLayer ? `LY_${i}_${r}` : `LX${l}_${i}_${r}`;
  }

  lz(l: number, i: number, r: Rail): string {
    return `LZ${l}_${i}_${r}`;
  }

  lw(l: number, i: number, j: number, r: Rail): string {
    return `LW${l}_${i}_${j}_${r}`;
  }
}
