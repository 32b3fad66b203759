// The VS Code extension (editors/vscode): `npx @vscode/vsce package --no-dependencies` there
// builds it (esbuild bundles the client with vscode-languageclient, the grammar is copied from
// grammar/) and writes a .vsix holding the manifest, the language configuration, the grammar,
// the snippets and the client; the client starts `crnnc lsp --stdio` from the setting, the
// workspace's node_modules or the PATH.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { inflateRawSync } from "node:zlib";
import { join, resolve } from "node:path";
import { ROOT } from "./helpers.js";

const EXT = resolve(ROOT, "editors/vscode");
let dir: string;
let vsix: string;

/** The entries of a zip file (a .vsix is one), by name: read from its central directory, inflated with zlib. */
function unzip(file: string): Map<string, string> {
  const b = readFileSync(file);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out = new Map<string, string>();
  for (let i = 0, at = b.readUInt32LE(eocd + 16); i < b.readUInt16LE(eocd + 10); i++) {
    const method = b.readUInt16LE(at + 10);
    const size = b.readUInt32LE(at + 20);
    const nameLen = b.readUInt16LE(at + 28);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString("utf8", at + 46, at + 46 + nameLen);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const data = b.subarray(start, start + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    at += 46 + nameLen + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crnnc-vsix-"));
  vsix = join(dir, "crnn.vsix");
  // npx finds @vscode/vsce in the root's node_modules: editors/vscode is an npm workspace of the repository.
  execFileSync("npx", ["--no-install", "@vscode/vsce", "package", "--no-dependencies", "-o", vsix], { cwd: EXT, stdio: "pipe" });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("editors/vscode", () => {
  it("packages into a .vsix with the manifest, configuration, grammar, snippets and client", () => {
    const zip = unzip(vsix);
    const files = [...zip.keys()];
    for (const f of [
      "extension/package.json",
      "extension/language-configuration.json",
      "extension/syntaxes/crnn.tmLanguage.json",
      "extension/snippets/crnn.json",
      "extension/dist/extension.js",
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith("extension/src/") || f.includes("node_modules"))).toBe(false);
    // The grammar is the repository's, byte for byte.
    expect(zip.get("extension/syntaxes/crnn.tmLanguage.json")).toBe(readFileSync(resolve(ROOT, "grammar/crnn.tmLanguage.json"), "utf8"));
    const manifest = JSON.parse(zip.get("extension/package.json")!) as {
      main: string;
      contributes: {
        languages: { id: string; extensions: string[]; configuration: string }[];
        grammars: { scopeName: string }[];
        snippets: { path: string }[];
      };
    };
    expect(manifest.contributes.languages[0]).toMatchObject({ id: "crnn", extensions: [".crnn"], configuration: "./language-configuration.json" });
    expect(manifest.contributes.grammars[0]!.scopeName).toBe("source.crnn");
    const config = JSON.parse(zip.get("extension/language-configuration.json")!) as { comments: { lineComment: string }; brackets: string[][] };
    expect(config.comments.lineComment).toBe("//");
    expect(config.brackets).toContainEqual(["{", "}"]);
    const snippets = JSON.parse(zip.get("extension/snippets/crnn.json")!) as Record<string, { prefix: string }>;
    expect(Object.values(snippets).map((s) => s.prefix)).toEqual(expect.arrayContaining(["network", "train", "activation", "module", "crn"]));
  });

  it("the bundled client starts crnnc lsp: the setting, else the workspace's crnnc, else the PATH's", () => {
    // Load dist/extension.js as VS Code would, with a stand-in for the `vscode` module it leaves out.
    const require = createRequire(import.meta.url);
    const Module = require("node:module") as { _resolveFilename: (r: string, ...a: unknown[]) => string };
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? "vscode" : resolveFilename.call(this, request, ...rest);
    };
    // Every name of it is a class (vscode-languageclient extends some at load time) whose members are such classes too.
    const stub: object = new Proxy(class {}, { get: (t, k) => (k === "prototype" ? t.prototype : stub) });
    require.cache["vscode"] = { id: "vscode", filename: "vscode", loaded: true, exports: new Proxy({}, { get: () => stub }) } as NodeJS.Module;
    try {
      const ext = require(join(EXT, "dist/extension.js")) as {
        activate: unknown;
        serverOptions: (
          setting: string,
          folders: string[],
          exists: (p: string) => boolean,
        ) => { module?: string; command?: string; args: string[]; transport: number };
      };
      expect(typeof ext.activate).toBe("function");
      const local = join("/w", "node_modules", "crnnc", "dist", "cli", "crnnc.js");
      expect(ext.serverOptions("", ["/w"], (p) => p === local)).toEqual({ module: local, args: ["lsp"], transport: 0 /* stdio: adds --stdio */ });
      expect(ext.serverOptions("", ["/w"], () => false)).toEqual({ command: "crnnc", args: ["lsp"], transport: 0 });
      expect(ext.serverOptions("/opt/crnnc/bin/crnnc", ["/w"], () => true)).toEqual({ command: "/opt/crnnc/bin/crnnc", args: ["lsp"], transport: 0 });
    } finally {
      Module._resolveFilename = resolveFilename;
      delete require.cache["vscode"];
    }
  });
});
