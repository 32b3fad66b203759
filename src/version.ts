// The package version, read once from crnnc's package.json: the nearest one above this module
// (dist/version.js, src/version.ts, or the bundled CLI in dist/cli/).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve, dirname } from "node:path";

function packageJson(): { version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const f = resolve(dir, "package.json");
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, "utf8")) as { name?: string; version: string };
      if (pkg.name === "crnnc") return pkg;
    }
    const up = dirname(dir);
    if (up === dir) return { version: "0.0.0" };
    dir = up;
  }
}

/** crnnc's version (package.json's). */
export const VERSION: string = packageJson().version;
