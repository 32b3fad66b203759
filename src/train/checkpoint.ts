// A training run's checkpoint: everything the loop carries from one iteration to the next — the
// state x, the history and trace so far, each integrator's last step size and counters, the
// noise schedule's draws and generator — so that a run resumed from it takes exactly the steps
// an uninterrupted run would, and ends with the same bytes. Plain JSON (doubles round-trip
// exactly); the CLI writes it atomically, the trainer never touches the disk.
//
//   train(ir, p, { checkpoint: { every: 1000, write: (cp) => save(JSON.stringify(cp)) } })
//   train(ir, p, { resume: JSON.parse(text) })   // continues after cp.iteration

import type { CRN } from "../ir/types.js";
import type { Protocol } from "../ir/protocol.js";
import { paramValues } from "../ir/parameters.js";
import type { IntegratorSnapshot } from "../sim/rosenbrock.js";
import type { NoiseSnapshot } from "./noise.js";

export const CHECKPOINT_FORMAT = "crnnc-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Which run this is (see `runIdentity`): a checkpoint resumes only the run that wrote it. */
  identity: string;
  /** Iterations completed. */
  iteration: number;
  x: number[];
  history: unknown[];
  trace?: { species: string[]; t: number[]; values: number[][] };
  integrator: IntegratorSnapshot;
  noiseStepper?: IntegratorSnapshot;
  noise?: NoiseSnapshot;
  readout?: IntegratorSnapshot;
}

/**
 * A fingerprint of everything that decides a run's numbers except its length: the network's
 * species, reactions and parameter values, the protocol's seed and order (its sample sequence
 * is a prefix of any longer run's), the solver and the simulator revision.
 */
export function runIdentity(ir: CRN, protocol: Protocol, solver: Record<string, unknown>, revision: number): string {
  const text = JSON.stringify([
    revision,
    ir.name,
    ir.species.map((s) => s.id),
    ir.reactions.length,
    [...paramValues(ir)],
    ir.train,
    protocol.seed,
    protocol.order,
    protocol.data.name,
    protocol.data.train.length,
    solver,
  ]);
  // FNV-1a, 2 × 32 bits: not security, only "the same run".
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/** The checkpoint in `text`, or why it is none ("not a crnnc checkpoint (not JSON)", ...). */
export function parseCheckpoint(text: string): Checkpoint | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return "not a crnnc checkpoint (not JSON)";
  }
  return checkpointProblem(v) ?? (v as Checkpoint);
}

/** Why `v` is not a checkpoint of this format (undefined if it is one). */
function checkpointProblem(v: unknown): string | undefined {
  const c = v as Partial<Checkpoint> | null;
  if (!c || typeof c !== "object" || c.format !== CHECKPOINT_FORMAT) return "not a crnnc checkpoint";
  if (c.version !== CHECKPOINT_VERSION) return `checkpoint format version ${String(c.version)}, this crnnc reads version ${CHECKPOINT_VERSION}`;
  if (!Number.isInteger(c.iteration) || !Array.isArray(c.x) || !Array.isArray(c.history) || !c.integrator) return "a damaged checkpoint";
  return undefined;
}
