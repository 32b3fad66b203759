// A minimal WebAssembly binary writer: one imported memory, functions with f64/i32 locals and
// straight-line bodies, exports by name. Just enough for the simulator's generated kernels
// (wasm-kernels.ts); no toolchain is needed at run time, and V8 compiles the result with its
// baseline compiler (Liftoff) at once, so there is no interpreter warm-up as with generated JS.
//
//   const m = new ModuleWriter();
//   const f = m.func([I32], []);            // (param i32)
//   f.op(OP.localGet).u32(0) ...; f.end();
//   m.export("run", f); new WebAssembly.Module(m.bytes())

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes used by the kernels (WebAssembly core spec §5.4). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Shl: 0x74,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Max: 0xa5,
  f64Sqrt: 0x9f,
} as const;

/** SIMD opcodes (after the 0xfd prefix; fixed-width SIMD proposal, in V8 since 9.1). */
export const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  f64x2Abs: 0xec,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Max: 0xf5,
  f64x2Pmax: 0xf7,
} as const;

/** A growable byte buffer with the LEB128 and IEEE encodings the format uses. */
export class Bytes {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  length = 0;

  private room(k: number): void {
    if (this.length + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  u32(v: number): this {
    this.room(5);
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  i32(v: number): this {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.buf[this.length++] = done ? b : b | 0x80;
      if (done) return this;
    }
  }

  private static readonly f64buf = new DataView(new ArrayBuffer(8));
  f64(v: number): this {
    this.room(8);
    Bytes.f64buf.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.buf[this.length++] = Bytes.f64buf.getUint8(i);
    return this;
  }

  op(code: number): this {
    return this.byte(code);
  }

  simd(code: number): this {
    return this.byte(0xfd).u32(code);
  }

  /** A 128-bit memory access immediate: alignment 2⁴ and a byte offset. */
  mem128(offset: number): this {
    return this.u32(4).u32(offset);
  }

  /** A memory access immediate: alignment 2³ (f64) and a byte offset. */
  mem(offset: number): this {
    return this.u32(3).u32(offset);
  }

  /** A 32-bit memory access immediate: alignment 2² and a byte offset. */
  mem32(offset: number): this {
    return this.u32(2).u32(offset);
  }

  bytes(b: Uint8Array | Bytes): this {
    const src = b instanceof Bytes ? b.view() : b;
    this.room(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
    return this;
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  view(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }
}

/** A function body under construction: declare locals first, then emit code, then `end()`. */
export class FuncWriter extends Bytes {
  private readonly locals: number[] = [];
  constructor(
    readonly index: number,
    readonly typeIndex: number,
    private readonly nParams: number,
  ) {
    super();
  }

  /** A new local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.nParams + this.locals.length - 1;
  }

  /** The function's code entry: locals (run-length encoded) and body. */
  entry(): Bytes {
    const head = new Bytes();
    const runs: [number, number][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    head.u32(runs.length);
    for (const [count, t] of runs) head.u32(count).byte(t);
    head.bytes(this);
    return new Bytes().u32(head.length).bytes(head);
  }
}

export class ModuleWriter {
  private readonly types: string[] = [];
  private readonly funcs: FuncWriter[] = [];
  private readonly exports: [string, number][] = [];

  constructor(private readonly memoryPages: number) {}

  func(params: number[], results: number[]): FuncWriter {
    const key = `${params.join(",")}>${results.join(",")}`;
    let t = this.types.indexOf(key);
    if (t < 0) t = this.types.push(key) - 1;
    const f = new FuncWriter(this.funcs.length, t, params.length);
    this.funcs.push(f);
    return f;
  }

  export(name: string, f: FuncWriter): void {
    this.exports.push([name, f.index]);
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Bytes().bytes(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
    const section = (id: number, body: Bytes) => out.byte(id).u32(body.length).bytes(body);
    const types = new Bytes().u32(this.types.length);
    for (const key of this.types) {
      const [p, r] = key.split(">").map((s) => (s ? s.split(",").map(Number) : []));
      types.byte(0x60).u32(p!.length);
      for (const v of p!) types.byte(v);
      types.u32(r!.length);
      for (const v of r!) types.byte(v);
    }
    section(1, types);
    // import "env" "memory": a memory of at least `memoryPages` 64 KiB pages.
    section(2, new Bytes().u32(1).name("env").name("memory").byte(0x02).byte(0x00).u32(this.memoryPages));
    const fsec = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) fsec.u32(f.typeIndex);
    section(3, fsec);
    const ex = new Bytes().u32(this.exports.length);
    for (const [name, i] of this.exports) ex.name(name).byte(0x00).u32(i);
    section(7, ex);
    const code = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) code.bytes(f.entry());
    section(10, code);
    return out.view();
  }
}
