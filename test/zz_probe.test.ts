import { test } from "vitest";
import { parserRuleNames } from "../src/syntax/parser.js";
import { parse } from "../src/index.js";
test("p", () => {
  console.log(parserRuleNames().join(" "));
  const r = parse(`crn c {\n  period -> 0\n  A -> 2\n  B -> C @ rate(k * A * step(A - 1))\n  f(X, y: 2)\n}\ntrain n on on { eta 1 init weights normal(0, 1) init biases 0 }\n`);
  console.log(JSON.stringify(r.diagnostics), JSON.stringify(r.ast.items.map(i => ({...i, span: undefined})), (k, v) => k.endsWith("pan") ? undefined : v));
});
