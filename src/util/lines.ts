// Lines as the lexer counts them: "\n", "\r\n" and a lone "\r" each end a line. Shared by
// everything that turns offsets into line:col or shows a line of source.
//
//   splitLines("a\rb\r\nc")  →  ["a", "b", "c"]

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
