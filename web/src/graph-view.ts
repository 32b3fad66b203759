// The network graph: the CRN's species and reactions as a bipartite graph (analysis/graph.ts,
// the same graph `--emit dot` writes), laid out by layer — for each layer a column of its
// species followed by a column of reactions per sub-network; species of no layer (H, a raw crn's)
// on the left. Hand-written SVG: wheel zooms about the pointer, dragging pans, clicking a node
// lists its reactions and highlights its edges.
import { ROLE_COLORS, TAG_COLORS, type CrnGraph } from "../../src/index.js";

const NS = "http://www.w3.org/2000/svg";
const ROW = 16;
const PER_COLUMN = 48;
const COL = 110;

interface Placed {
  x: number;
  y: number;
}

/** Node positions: columns of at most PER_COLUMN nodes, per layer species then reactions by sub-network. */
export function layout(g: CrnGraph): { species: Placed[]; reactions: Placed[]; width: number; height: number } {
  const species: Placed[] = new Array(g.species.length);
  const reactions: Placed[] = new Array(g.reactions.length);
  let x = 0;
  let height = 0;
  const column = (items: number[], into: Placed[]) => {
    if (!items.length) return;
    for (let c = 0; c * PER_COLUMN < items.length; c++) {
      const chunk = items.slice(c * PER_COLUMN, (c + 1) * PER_COLUMN);
      chunk.forEach((it, i) => (into[it] = { x, y: 20 + i * ROW }));
      height = Math.max(height, 20 + chunk.length * ROW);
      x += COL;
    }
  };
  const idx = <T>(xs: readonly T[], f: (t: T) => boolean) => xs.flatMap((t, i) => (f(t) ? [i] : []));
  column(
    idx(g.species, (s) => s.layer === undefined),
    species,
  );
  for (const tag of g.tags)
    column(
      idx(g.reactions, (r) => r.layer === undefined && r.tag === tag),
      reactions,
    );
  for (const l of g.layers) {
    column(
      idx(g.species, (s) => s.layer === l),
      species,
    );
    for (const tag of g.tags)
      column(
        idx(g.reactions, (r) => r.layer === l && r.tag === tag),
        reactions,
      );
    x += COL / 2;
  }
  return { species, reactions, width: x, height };
}

export interface GraphHandlers {
  /** A node was clicked: species index or reaction index. */
  onSelect: (sel: { species?: number; reaction?: number }) => void;
}

export function drawGraph(host: HTMLElement, g: CrnGraph, h: GraphHandlers): void {
  host.replaceChildren();
  const pos = layout(g);
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "graph");
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", "100%");
  const root = document.createElementNS(NS, "g");
  svg.append(root);
  let view = { x: 10, y: 10, k: Math.min(1, (host.clientWidth || 800) / (pos.width + 20)) };
  const apply = () => root.setAttribute("transform", `translate(${view.x} ${view.y}) scale(${view.k})`);
  apply();

  const edges = document.createElementNS(NS, "g");
  edges.setAttribute("class", "edges");
  const parts: string[] = [];
  g.edges.forEach((e, i) => {
    const s = pos.species[e.s]!;
    const r = pos.reactions[e.r]!;
    const color = e.kind === "cat" ? "#a0aec0" : e.kind === "in" ? "#718096" : TAG_COLORS[g.reactions[e.r]!.tag];
    parts.push(
      `<line data-e="${i}" data-s="${e.s}" data-r="${e.r}" x1="${s.x + 40}" y1="${s.y}" x2="${r.x}" y2="${r.y}" stroke="${color}"${e.kind === "cat" ? ' stroke-dasharray="3 2"' : ""}/>`,
    );
  });
  edges.innerHTML = parts.join("");
  root.append(edges);

  const nodes = document.createElementNS(NS, "g");
  const np: string[] = [];
  g.species.forEach((s, i) => {
    const p = pos.species[i]!;
    np.push(
      `<g class="node species" data-s="${i}" transform="translate(${p.x} ${p.y})"><rect x="-2" y="-7" width="84" height="14" rx="7" fill="${ROLE_COLORS[s.role]}"/><text x="40" y="3.5" text-anchor="middle">${s.id}</text><title>${s.id} (${s.role})</title></g>`,
    );
  });
  g.reactions.forEach((r, i) => {
    const p = pos.reactions[i]!;
    np.push(
      `<g class="node reaction" data-r="${i}" transform="translate(${p.x} ${p.y})"><rect x="-5" y="-5" width="10" height="10" fill="${TAG_COLORS[r.tag]}"/><title>reaction ${i} (${r.tag})</title></g>`,
    );
  });
  nodes.innerHTML = np.join("");
  root.append(nodes);
  host.append(svg);

  // Pan and zoom.
  let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const rect = svg.getBoundingClientRect();
    const px = ev.clientX - rect.left;
    const py = ev.clientY - rect.top;
    const f = Math.exp(-ev.deltaY * 0.0015);
    const k = Math.min(8, Math.max(0.05, view.k * f));
    view = { k, x: px - ((px - view.x) * k) / view.k, y: py - ((py - view.y) * k) / view.k };
    apply();
  });
  svg.addEventListener("pointerdown", (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      view = { ...view, x: drag.vx + dx, y: drag.vy + dy };
      apply();
    }
  });
  svg.addEventListener("pointerup", (ev) => {
    const moved = drag?.moved;
    drag = undefined;
    if (moved) return;
    const node = (ev.target as Element).closest(".node") as SVGGElement | null;
    edges.querySelectorAll(".hl").forEach((e) => e.classList.remove("hl"));
    nodes.querySelectorAll(".sel").forEach((e) => e.classList.remove("sel"));
    if (!node) return h.onSelect({});
    node.classList.add("sel");
    const s = node.dataset["s"];
    const r = node.dataset["r"];
    edges.querySelectorAll(s !== undefined ? `[data-s="${s}"]` : `[data-r="${r}"]`).forEach((e) => e.classList.add("hl"));
    h.onSelect(s !== undefined ? { species: Number(s) } : { reaction: Number(r) });
  });
}
