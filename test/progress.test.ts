// The terminal (issue 16, item 4): the progress line always fits the terminal's width, so it can
// be redrawn in place; colour follows NO_COLOR and FORCE_COLOR.

import { describe, it, expect } from "vitest";
import { progressLine, progressText } from "../src/cli/progress.js";
import { wantColor } from "../src/cli/io.js";
import type { Progress } from "../src/train/trainer.js";

const p = (iteration: number): Progress =>
  ({
    iteration,
    iterations: 36000,
    elapsedMs: 1000 * iteration,
    last: { iteration, time: 0, trainError: 0.2612, trainAccuracy: 0.75, validationError: 0.3 },
  }) as unknown as Progress;

describe("the progress line", () => {
  for (const columns of [20, 40, 60, 80, 120, 200])
    it(`fits ${columns} columns (one character spare, so it never wraps)`, () => {
      for (const it of [0, 1, 18000, 36000]) expect(progressLine(p(it), columns).length).toBeLessThanOrEqual(columns - 1);
    });
  it("keeps the whole status text when it fits, and a bar of at most 40 when there is room", () => {
    const line = progressLine(p(18000), 200);
    expect(line.endsWith(progressText(p(18000)))).toBe(true);
    expect(line.match(/^\[([#.]+)\]/)![1]!.length).toBe(40);
    expect(line.match(/^\[(#+)/)![1]!.length).toBe(20);
    // At 60 columns the bar shrinks; below the text's width the text is cut and there is no bar.
    expect(progressLine(p(18000), 60).startsWith("[")).toBe(true);
    expect(progressLine(p(18000), 30).startsWith("[")).toBe(false);
  });
});

describe("colour", () => {
  it("NO_COLOR turns it off, FORCE_COLOR on (also piped) unless 0 or false; else on a terminal only", () => {
    expect(wantColor({}, true)).toBe(true);
    expect(wantColor({}, false)).toBe(false);
    expect(wantColor({ NO_COLOR: "1" }, true)).toBe(false);
    expect(wantColor({ NO_COLOR: "" }, true)).toBe(true);
    expect(wantColor({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(wantColor({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(wantColor({ FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(false);
  });
});
