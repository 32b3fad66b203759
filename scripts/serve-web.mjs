// Serves the built playground (web/dist/, `npm run build:web`) on http://127.0.0.1:PORT/ with
// node's http module: static files only, the right content types (WebAssembly needs its own for
// a streaming compile), nothing outside the folder. `npm run web` builds and runs it; the browser
// tests (test/web.test.ts) and bench/web.mjs start it on a free port.
//
//   node scripts/serve-web.mjs [PORT]   →   crnnc playground: http://127.0.0.1:5178/index.html#example=xor

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB_DIST = join(ROOT, "web/dist");

/**
 * How the tests and the bench start Debian's Chromium on this machine: headless, as root (no
 * sandbox), and without the background connections a closed network refuses many at a time.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Start serving `dir` on 127.0.0.1 (port 0: any free one); resolves to the server and its base URL. */
export function serveWeb(dir = WEB_DIST, port = 0) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const a = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof a === "object" && a ? a.port : port}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { url } = await serveWeb(WEB_DIST, Number(process.argv[2] ?? 5178));
  console.log(`crnnc playground: ${url}index.html#example=xor   (Ctrl-C stops)`);
}
