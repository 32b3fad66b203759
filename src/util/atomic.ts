// Atomic file output: write a temporary file beside the target, then rename it over the target,
// so a reader (or a crash) never sees half a file.
//
//   writeFileAtomic("out.json", text)

import { writeFileSync, renameSync, unlinkSync } from "node:fs";
import { dirname, basename, join } from "node:path";

export function writeFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file was never created */
    }
    throw e;
  }
}
