// node:path (POSIX) for the browser: the few functions the compiler's loader and the dataset
// loader use to place files, on the playground's in-memory paths.
//
//   resolve("/crnnc/src/load", "../../stdlib")  →  "/crnnc/stdlib"
import { cwd } from "./process.js";

function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return `/${out.join("/")}`;
}
export function resolve(...paths: string[]): string {
  let acc = "";
  for (const p of paths) acc = p.startsWith("/") ? p : `${acc}/${p}`;
  if (!acc.startsWith("/")) acc = `${cwd()}/${acc}`;
  return normalize(acc.split("/"));
}
export const isAbsolute = (p: string) => p.startsWith("/");
export function dirname(p: string): string {
  const i = p.replace(/\/+$/, "").lastIndexOf("/");
  return i <= 0 ? (p.startsWith("/") ? "/" : ".") : p.slice(0, i);
}
export function basename(p: string, ext?: string): string {
  const b = p.replace(/\/+$/, "").slice(p.replace(/\/+$/, "").lastIndexOf("/") + 1);
  return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b;
}
export function extname(p: string): string {
  const b = basename(p);
  const i = b.lastIndexOf(".");
  return i <= 0 ? "" : b.slice(i);
}
export const join = (...ps: string[]) => (ps.join("/").startsWith("/") ? normalize(ps.join("/").split("/")) : normalize(ps.join("/").split("/")).slice(1));
export function relative(from: string, to: string): string {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}
export const sep = "/";
export default { resolve, isAbsolute, dirname, basename, extname, join, relative, sep };
