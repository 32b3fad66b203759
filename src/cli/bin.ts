#!/usr/bin/env node
// Entry point of the `crnnc` command: run, then exit with the command's code. An exception
// that escapes here is a bug in crnnc, never the user's input: say so instead of a bare trace.
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`crnnc: internal error (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
