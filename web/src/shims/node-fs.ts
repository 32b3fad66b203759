// node:fs for the browser: reads from the playground's in-memory files (vfs.ts), so the compiler's
// loader, the dataset loader and the version lookup run unchanged; writing or anything else a
// command line does throws (the playground writes files by downloading them).
import { readText, readBinary, isDir, list } from "./vfs.js";

const enoent = (p: string) => Object.assign(new Error(`ENOENT: no such file, '${p}'`), { code: "ENOENT" });
const unsupported = (what: string) => () => {
  throw new Error(`${what} is not available in the browser`);
};

export function readFileSync(path: string, encoding?: string): string;
export function readFileSync(path: string, encoding?: string): string | Uint8Array {
  const bin = encoding === undefined ? readBinary(String(path)) : undefined;
  if (bin) return bin;
  const t = readText(String(path));
  if (t === undefined) throw enoent(String(path));
  return t;
}
export function existsSync(path: string): boolean {
  return readText(String(path)) !== undefined || isDir(String(path));
}
export function statSync(path: string) {
  const t = readText(String(path));
  if (t === undefined && !isDir(String(path))) throw enoent(String(path));
  return { size: t?.length ?? 0, isFile: () => t !== undefined, isDirectory: () => t === undefined };
}
export function readdirSync(path: string): string[] {
  return list(String(path));
}
export const realpathSync = (p: string) => p;
export const constants = { W_OK: 2, R_OK: 4 };
export const accessSync = unsupported("accessSync");
export const writeFileSync = unsupported("writeFileSync");
export const appendFileSync = unsupported("appendFileSync");
export const renameSync = unsupported("renameSync");
export const unlinkSync = unsupported("unlinkSync");
export const mkdirSync = unsupported("mkdirSync");
export const rmSync = unsupported("rmSync");
export default {
  readFileSync,
  existsSync,
  statSync,
  readdirSync,
  realpathSync,
  constants,
  accessSync,
  writeFileSync,
  appendFileSync,
  renameSync,
  unlinkSync,
  mkdirSync,
  rmSync,
};
