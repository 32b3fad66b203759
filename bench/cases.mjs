// The networks the simulation benchmarks share (bench/sim.mjs, bench/controller.mjs), beside
// the bundled examples: the MNIST 64-4-2 network on the bundled mnist01 data, with or without
// the noise of the noise studies, and XOR with noise.
//
//   writeFileSync(file, MNIST(true))   // noisy MNIST, 2000 iterations (callers override)

export const MNIST = (noise) => `import std/smooth_relu
network mnist_net { input 64  dense 4 smooth_relu(h: 1)  dense 2 smooth_relu(h: 1)  rate k_div = 10 }
train mnist_net on mnist01 { eta 0.0001  period 50  iterations 2000  split 0.9  init uniform(-0.5, 0.5)  seed 1
  ${noise ? "noise { epsilon 0.1  resample 0.05  hold 0.005  on backward, nodes }" : ""} }
`;
export const XOR_NOISE = `import std/smooth_relu
network xor_net { input 2  dense 10 smooth_relu(h: 3)  dense 1 smooth_relu(h: 3)  rate k_div = 10 }
train xor_net on xor { eta 0.002  period 50  iterations 36000  seed 1
  noise { epsilon 0.1  resample 0.05  hold 0.005  on backward, nodes } }
`;
