// What counts as a .crnn source text, decided before lexing: a UTF-8 byte-order mark is dropped
// (editors on Windows write one), a file that is mostly not text (a binary, random bytes) is one
// diagnostic instead of a flood of lexer errors, and a source larger than MAX_SOURCE_CHARS is
// refused (no real program comes near it: MNIST 784-100-10 is 20 lines).
//
//   stripBom("\uFEFFcrn c {}")    →  "crn c {}"
//   notText("\u0000\u0001ELF...")  →  "it contains NUL bytes"

/** The largest source file read: 8 MiB of text. */
export const MAX_SOURCE_CHARS = 8 * 1024 * 1024;

/** How much of a file is looked at to decide whether it is text. */
const PROBE = 8192;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Why `text` is not a source text (undefined if it may be one): a NUL byte, or more than 10% of
 * its first 8 KiB control characters (other than tab, line feed, carriage return, form feed) or
 * bytes that were not UTF-8 (decoded as U+FFFD).
 */
export function notText(text: string): string | undefined {
  const n = Math.min(text.length, PROBE);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return "it contains NUL bytes";
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd) bad++;
  }
  if (n > 0 && bad > 0.1 * n) return `${Math.round((100 * bad) / n)}% of its first ${n} characters are control characters or not UTF-8`;
  return undefined;
}
