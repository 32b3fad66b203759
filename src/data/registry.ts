// The datasets crnnc knows by name, with their input and output widths, so that a train block
// can be checked against its network before anything runs. (The data files themselves ship
// with the simulator; this table is what the compiler needs.)
//
//   train net on iris { ... }   →  iris has 4 features and 3 one-hot classes

export interface DatasetInfo {
  name: string;
  inputs: number;
  outputs: number;
  description: string;
}

export const BUILTIN_DATASETS: Record<string, DatasetInfo> = {
  xor: { name: "xor", inputs: 2, outputs: 1, description: "the 4 points of XOR (paper D.1)" },
  sine: { name: "sine", inputs: 1, outputs: 1, description: "13 points (x, sin x), x in [0, π) (paper §5.3)" },
  iris: { name: "iris", inputs: 4, outputs: 3, description: "Fisher's Iris, 4 features, 3 one-hot classes (paper D.2)" },
  mnist01: { name: "mnist01", inputs: 64, outputs: 2, description: "MNIST 0s and 1s downscaled to 8×8, 2 one-hot classes (paper D.3)" },
};
