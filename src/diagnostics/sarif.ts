// Diagnostics as SARIF 2.1.0 (the OASIS Static Analysis Results Interchange Format), which code
// scanning services read: `crnnc check --format sarif`. One run of the tool `crnnc`; each code
// that occurs is a rule (its catalogue text the description); each diagnostic a result with its
// region, related locations and fixes. test/check-format.test.ts validates the output against
// the schema committed in schemas/sarif-schema-2.1.0.json.
//
//   { "version": "2.1.0", "runs": [{ "tool": { "driver": { "name": "crnnc", "rules": [{ "id": "E0103", ... }] } },
//     "results": [{ "ruleId": "E0103", "level": "error", "locations": [{ "physicalLocation": ... }] }] }] }

import type { Span } from "../ir/span.js";
import { codes, type Code } from "./codes.js";
import { places, type CheckedFile } from "./json.js";

/** A file name as a URI reference: relative names stay relative, absolute paths become file: URIs. */
export function fileUri(file: string): string {
  const slashed = file.replace(/\\/g, "/");
  const abs = slashed.startsWith("/") ? `file://${slashed}` : /^[A-Za-z]:\//.test(slashed) ? `file:///${slashed}` : slashed;
  return encodeURI(abs).replace(/[?#]/g, encodeURIComponent);
}

function region(s: Span) {
  const { start, end } = places(s);
  return {
    startLine: start.line,
    startColumn: start.column,
    endLine: end.line,
    endColumn: end.column,
    charOffset: start.offset,
    charLength: end.offset - start.offset,
  };
}

const physical = (s: Span) => ({ artifactLocation: { uri: fileUri(s.file) }, region: region(s) });

export function diagnosticsSarif(files: readonly CheckedFile[], version: string): object {
  const all = files.flatMap((f) => f.diagnostics);
  const ruleIds = [...new Set(all.map((d) => d.code))].sort() as Code[];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "crnnc",
            version,
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: codes[id] },
              defaultConfiguration: { level: id.startsWith("W") ? "warning" : "error" },
            })),
          },
        },
        artifacts: files.map((f) => ({ location: { uri: fileUri(f.file) } })),
        results: all.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIds.indexOf(d.code),
          level: d.severity,
          message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
          ...(d.span ? { locations: [{ physicalLocation: physical(d.span) }] } : {}),
          ...(d.related?.length
            ? { relatedLocations: d.related.map((r, i) => ({ id: i, physicalLocation: physical(r.span), message: { text: r.message } })) }
            : {}),
          ...(d.fixes?.length
            ? {
                fixes: d.fixes.map((x) => ({
                  description: { text: x.title },
                  artifactChanges: [
                    { artifactLocation: { uri: fileUri(x.span.file) }, replacements: [{ deletedRegion: region(x.span), insertedContent: { text: x.text } }] },
                  ],
                })),
              }
            : {}),
        })),
      },
    ],
  };
}
