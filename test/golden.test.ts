// Golden-file tests for the backends: each test/fixtures/<case>/input.crnn compiles to the
// checked-in reactions.txt and ir.json byte for byte. UPDATE_GOLDEN=1 rewrites them.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { resolve, relative } from "node:path";
import { compileFile } from "../src/compile.js";
import { emitReactions } from "../src/backends/reactions.js";
import { emitJson } from "../src/backends/json.js";
import { ROOT } from "./helpers.js";

const FIXTURES = resolve(ROOT, "test/fixtures");
const update = process.env["UPDATE_GOLDEN"] === "1";

describe("golden backends", () => {
  for (const c of readdirSync(FIXTURES)) {
    const input = resolve(FIXTURES, c, "input.crnn");
    if (!existsSync(input)) continue;
    for (const [file, emit] of [
      ["reactions.txt", emitReactions],
      ["ir.json", (ir: Parameters<typeof emitJson>[0]) => emitJson(ir, "golden")],
    ] as const) {
      it(`${c}/${file}`, () => {
        // Diagnostics and spans name files relative to the cwd: compile from the repo root.
        const cwd = process.cwd();
        process.chdir(ROOT);
        try {
          const r = compileFile(relative(ROOT, input));
          expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          const text = emit(r.ir!);
          const golden = resolve(FIXTURES, c, file);
          if (update) writeFileSync(golden, text);
          expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 to create it`).toBe(true);
          expect(text).toBe(readFileSync(golden, "utf8"));
        } finally {
          process.chdir(cwd);
        }
      });
    }
  }
});
