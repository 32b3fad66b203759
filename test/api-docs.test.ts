// docs/api (the TypeDoc reference of the library, `npm run docs:api`) is regenerated from
// src/index.ts into a temporary folder and compared with the committed one, file by file: an
// export added, removed or documented differently without `npm run docs:api` fails here.
// TypeDoc runs with the repository's typedoc.json (warnings are errors: every type a public
// signature mentions must be exported).

import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

describe("docs/api", () => {
  it("is what `npm run docs:api` makes of src/index.ts now", () => {
    const out = mkdtempSync(join(tmpdir(), "crnnc-api-"));
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typedoc/bin/typedoc"), "--out", out], { cwd: ROOT, stdio: "pipe" });
      const committed = join(ROOT, "docs/api");
      const made = files(out)
        .map((f) => relative(out, f))
        .sort();
      expect(made, "the pages (run `npm run docs:api`)").toEqual(
        files(committed)
          .map((f) => relative(committed, f))
          .sort(),
      );
      for (const f of made)
        expect(readFileSync(join(out, f), "utf8"), `docs/api/${f} (run \`npm run docs:api\`)`).toBe(readFileSync(join(committed, f), "utf8"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
