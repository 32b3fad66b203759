// docs/language.md stays complete: every diagnostic code of src/diagnostics/codes.ts has a row
// in its catalogue, every train setting its default, and every ```crnn example parses.

import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { codes } from "../src/diagnostics/codes.js";
import { TRAIN_DEFAULTS, NOISE_DEFAULTS } from "../src/check/train.js";
import { parse } from "../src/index.js";
import { ROOT } from "./helpers.js";

const md = readFileSync(resolve(ROOT, "docs/language.md"), "utf8");

describe("docs/language.md", () => {
  it("lists every diagnostic code with its meaning, an example and a fix", () => {
    const missing = Object.keys(codes).filter((c) => !md.includes(`| ${c} |`));
    expect(missing, "codes missing from the catalogue in docs/language.md").toEqual([]);
    for (const [code, meaning] of Object.entries(codes)) {
      const row = md.split("\n").find((l) => l.startsWith(`| ${code} |`))!;
      const cells = row.split(" | ");
      expect(cells.length, row).toBe(4); // code, meaning, example, fix
      for (const c of cells) expect(c.replace(/^\| | {2}\|$/g, "").trim(), row).not.toBe("");
      expect(row, `${code}: the meaning should be the catalogue's`).toContain(meaning);
    }
  });

  it("gives every train and noise setting with its default", () => {
    for (const [k, v] of Object.entries(TRAIN_DEFAULTS)) {
      const row = md.split("\n").find((l) => l.startsWith(`| \`${k} `));
      expect(row, k).toBeDefined();
      if (typeof v === "number") expect(row, k).toContain(`| ${v} |`);
    }
    for (const [k, v] of Object.entries(NOISE_DEFAULTS)) {
      const row = md.split("\n").find((l) => l.startsWith(`| \`${k} `));
      expect(row, k).toBeDefined();
      expect(row, k).toContain(typeof v === "number" ? `| ${v} |` : `\`${v.join(", ")}\``);
    }
    for (const s of ["annihilate", "features", "targets", "init weights", "init biases", "noise"]) expect(md).toContain(`\`${s}`);
  });

  it("covers every construct", () => {
    for (const h of [
      "### `import`",
      "### `const`",
      "### `rate`",
      "### `module`",
      "### `activation`",
      "### `crn`",
      "### `network`",
      "### `train`",
      "## The rate-law convention",
      "## Species naming scheme",
      "## Formatting",
      "## Diagnostics",
    ])
      expect(md).toContain(h);
    for (const w of ["local", "dual", "catalyst", "require", "init", "noise", "node", "edge", "bias", "slope", "@ rate("]) expect(md).toContain(w);
  });

  it("every ```crnn example parses (alone, or as the body of a crn block)", () => {
    const blocks = [...md.matchAll(/```crnn\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(8);
    for (const b of blocks) {
      const ok = (t: string) => parse(t).diagnostics.filter((d) => d.severity === "error").length === 0;
      expect(ok(b) || ok(`crn c {\n${b}}\n`), b).toBe(true);
    }
  });
});
