// The crnn extension's client: starts the crnnc language server (`crnnc lsp --stdio`) for .crnn
// files and hands it the editor's documents; highlighting, brackets, comments and snippets are
// declared in package.json. Which crnnc: the `crnn.server.path` setting (a crnnc.js run by VS
// Code's own Node.js, or an executable), else the workspace's node_modules/crnnc, else `crnnc` on
// the PATH. Bundled by build.mjs (esbuild) into dist/extension.js with vscode-languageclient.
//
//   crnn.server.path: "/home/me/crnnc/dist/cli/crnnc.js"

import { existsSync } from "node:fs";
import { join } from "node:path";
import { workspace, window, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** How to start the server: a JavaScript file runs under VS Code's Node.js, anything else as a command. */
export function serverOptions(setting: string, folders: readonly string[], exists: (p: string) => boolean = existsSync): ServerOptions {
  const local = folders.map((f) => join(f, "node_modules", "crnnc", "dist", "cli", "crnnc.js")).find(exists);
  const target = setting || local || "crnnc";
  // TransportKind.stdio adds `--stdio` to the arguments.
  return /\.[cm]?js$/.test(target)
    ? { module: target, args: ["lsp"], transport: TransportKind.stdio }
    : { command: target, args: ["lsp"], transport: TransportKind.stdio };
}

export async function activate(context: ExtensionContext): Promise<void> {
  const setting = workspace.getConfiguration("crnn").get<string>("server.path", "");
  const folders = (workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "crnn" }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.crnn") },
  };
  client = new LanguageClient("crnn", "crnn", serverOptions(setting, folders), clientOptions);
  try {
    await client.start();
  } catch (e) {
    void window.showErrorMessage(
      `crnn: could not start the crnnc language server (${(e as Error).message}). Install crnnc (npm install crnnc) or set "crnn.server.path".`,
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
