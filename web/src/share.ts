// Sharing: the source in the page's address, deflated (CompressionStream "deflate-raw") and
// base64url-encoded, with the file name it is compiled as — `#file=examples/xor.crnn&src=…` —
// and `#example=xor` for an example as it ships.
//
//   await packSource("crn c {\n  A -> 0 @ 1\n}\n")  →  "S0oqUkhW…"

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export async function packSource(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
}

export async function unpackSource(packed: string): Promise<string> {
  return new TextDecoder().decode(await pipe(fromBase64Url(packed), new DecompressionStream("deflate-raw")));
}

/** What the address asks for: an example by name, or a shared source. */
export function readHash(hash: string): { example?: string; src?: string; file?: string } {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const out: { example?: string; src?: string; file?: string } = {};
  for (const k of ["example", "src", "file"] as const) {
    const v = p.get(k);
    if (v) out[k] = v;
  }
  return out;
}
