// Where the commands write and how they learn about the terminal: a value, so tests run the
// commands in-process with captured output.
//
//   await main(["check", "x.crnn"], { stdout: (s) => (out += s), stderr: (s) => (err += s), color: false })

import { readFileSync } from "node:fs";

export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Colour diagnostics (stderr is a terminal and NO_COLOR is unset). */
  color: boolean;
  /** stderr is a terminal: draw a progress bar rather than lines. */
  tty?: boolean;
  /** Install a Ctrl-C handler; returns its removal. */
  onSigint?: (handler: () => void) => () => void;
}

export const defaultIO: IO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  color: Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"],
  tty: Boolean(process.stderr.isTTY),
  onSigint: (handler) => {
    let count = 0;
    const h = () => {
      if (++count > 1) process.exit(130);
      handler();
    };
    process.on("SIGINT", h);
    return () => process.off("SIGINT", h);
  },
};

/** Is this file SBML (by its extension, or an XML declaration at its start)? */
export function isSbmlPath(file: string): boolean {
  if (/\.(xml|sbml)$/i.test(file)) return true;
  try {
    return readFileSync(file, "utf8").slice(0, 200).trimStart().startsWith("<?xml");
  } catch {
    return false;
  }
}
