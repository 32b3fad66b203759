// The stage map is enforced, not hoped for: dependency-cruiser with the project's own
// .dependency-cruiser.cjs passes on src/ and fails on planted violations — an import from ir/
// into sim/, from a back end into the trainer or the datasets, libSBML outside backends/sbml/,
// the disk read from the engine, and an import cycle.

import { describe, it, expect } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";

const DEPCRUISE = resolve(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

function cruise(cwd: string): { code: number; out: string } {
  const r = spawnSync(process.execPath, [DEPCRUISE, "src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd, encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-lint-"));
  copyFileSync(resolve(ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

describe("the stage map (npm run lint)", () => {
  it("src/ keeps it", () => {
    const r = cruise(ROOT);
    expect(r.out).toMatch(/no dependency violations found/);
    expect(r.code).toBe(0);
  }, 60000);

  it("fails on each planted violation, naming it", () => {
    const ok = { "src/util/u.ts": "export const u = 1;\n", "src/ir/types.ts": 'import { u } from "../util/u.js";\nexport const t = u;\n' };
    const planted: [string, Record<string, string>, RegExp][] = [
      [
        "ir/ imports sim/",
        {
          "src/ir/bad.ts": 'import { s } from "../sim/s.js";\nexport const b = s;\n',
          "src/sim/s.ts": 'import { t } from "../ir/types.js";\nexport const s = t;\n',
        },
        /not-in-allowed: src\/ir\/bad\.ts → src\/sim\/s\.ts/,
      ],
      [
        "a back end imports the trainer",
        { "src/backends/b.ts": 'import { r } from "../train/r.js";\nexport const b = r;\n', "src/train/r.ts": "export const r = 1;\n" },
        /not-in-allowed: src\/backends\/b\.ts → src\/train\/r\.ts/,
      ],
      [
        "a back end imports the datasets",
        { "src/backends/b.ts": 'import { d } from "../data/d.js";\nexport const b = d;\n', "src/data/d.ts": "export const d = 1;\n" },
        /not-in-allowed: src\/backends\/b\.ts → src\/data\/d\.ts/,
      ],
      [
        "sweep/ imports cli/",
        { "src/sweep/s.ts": 'import { c } from "../cli/c.js";\nexport const s = c;\n', "src/cli/c.ts": "export const c = 1;\n" },
        /not-in-allowed: src\/sweep\/s\.ts → src\/cli\/c\.ts/,
      ],
      [
        "libSBML outside backends/sbml/",
        { "src/backends/antimony.ts": 'import x from "libsbmljs_stable";\nexport const a = x;\n' },
        /libsbml-only-in-backends-sbml/,
      ],
      ["the engine reads the disk", { "src/sim/s.ts": 'import { readFileSync } from "node:fs";\nexport const s = readFileSync;\n' }, /no-disk-below-the-front/],
      [
        "an import cycle",
        {
          "src/cli/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
          "src/cli/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
        },
        /no-cycles/,
      ],
    ];
    expect(cruise(tree(ok)).code, "the planted tree without a violation passes").toBe(0);
    for (const [what, files, message] of planted) {
      const r = cruise(tree({ ...ok, ...files }));
      expect(r.code, what).not.toBe(0);
      expect(r.out, what).toMatch(message);
    }
  }, 120000);
});
