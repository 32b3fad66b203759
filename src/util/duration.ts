// A duration for people: seconds with two or one decimals, then minutes and seconds, then
// hours and minutes.
//
//   duration(1234)  →  "1.23s"      duration(754000)  →  "12m34s"

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
