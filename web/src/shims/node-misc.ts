// The rest of Node's built-ins the library's modules name, for the browser: the compiler and the
// engine need only fileURLToPath (to place the stdlib, vfs.ts) and isDeepStrictEqual; what belongs
// to the command line's own machinery (worker threads, child processes, hashing files) throws if
// it is ever reached from the playground.
export const fileURLToPath = () => "/crnnc/dist/lib/module.js";
export const pathToFileURL = (p: string) => new URL(`file://${p}`);
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
const unsupported = (what: string) =>
  function () {
    throw new Error(`${what} is not available in the browser`);
  };
export const parseArgs = unsupported("parseArgs");
export const availableParallelism = () => navigator.hardwareConcurrency || 1;
export const cpus = () => [];
export const tmpdir = () => "/tmp";
export const homedir = () => "/";
export const getHeapStatistics = () => ({ heap_size_limit: 4 * 2 ** 30, total_heap_size: 0, used_heap_size: 0 });
export const createHash = unsupported("createHash");
/** Modules the page loaded itself (libSBML's, on the first SBML export), for the library's `createRequire(...)(name)`. */
const modules = new Map<string, unknown>();
export function registerModule(name: string, mod: unknown): void {
  modules.set(name, mod);
}
export function createRequire() {
  const require = (name: string) => {
    if (!modules.has(name)) throw new Error(`${name} is not loaded in the browser`);
    return modules.get(name);
  };
  require.resolve = (name: string) => `/crnnc/node_modules/${name}`;
  return require;
}
export const Worker = unsupported("worker_threads");
export const parentPort = null;
export const workerData = undefined;
export const isMainThread = true;
export const spawn = unsupported("spawn");
export const spawnSync = unsupported("spawnSync");
export default {};
