// A `process` for the library's modules in the browser: the working directory is the package's
// made-up root (vfs.ts), so a user file /crnnc/examples/xor.crnn is named examples/xor.crnn in
// diagnostics, the IR's source and SBML's notes — as the command line names it from a checkout.
// Imported first by every worker entry, before the library.
const ROOT = "/crnnc";
export const cwd = () => ROOT;
const g = globalThis as unknown as { process?: unknown; setImmediate?: unknown };
g.process ??= {
  cwd,
  env: {},
  pid: 1,
  platform: "browser",
  argv: [],
  versions: {},
  listeners: () => [],
  on: () => undefined,
  off: () => undefined,
  emitWarning: () => undefined,
};
// trainAsync yields with setImmediate: a message to itself runs next, without the 4 ms clamp of
// nested timers, so the worker hears "stop" within ~50 ms at almost no cost.
if (typeof g.setImmediate !== "function") {
  const queue: (() => void)[] = [];
  const ch = new MessageChannel();
  ch.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (f: () => void) => {
    queue.push(f);
    ch.port2.postMessage(0);
  };
}
