// A small seeded PRNG (xoshiro128**, seeded through splitmix32) with uniform and normal draws.
// Ours rather than a dependency's so that a seed means the same numbers in every crnnc version
// that keeps this file: the determinism users rely on (same file + seed ⇒ same output).
//
//   new Rng(1).next()  →  the same number in [0, 1) on every machine

export class Rng {
  /**
   * xoshiro128**'s four words, as int32 in a typed array: V8 keeps 32-bit *unsigned* values in
   * object fields as boxed doubles, which made every draw allocate (and the SSA's event loop
   * twice as slow). The arithmetic below is int32 throughout; the stream is unchanged.
   */
  private readonly s = new Int32Array(4);

  /**
   * The four state words, live: a hot loop may copy them into locals, step xoshiro128** inline
   * (see `Gillespie.integrate`) and write them back, continuing this very stream.
   */
  get words(): Int32Array {
    return this.s;
  }

  constructor(seed: number) {
    let x = seed >>> 0;
    const split = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = split();
  }

  /** The generator's whole state (a checkpoint stores it; `setState` continues the sequence exactly). */
  state(): [number, number, number, number] {
    const s = this.s;
    return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0];
  }

  setState(v: readonly number[]): void {
    for (let i = 0; i < 4; i++) this.s[i] = v[i]! >>> 0;
  }

  /** One step of xoshiro128**: its output as int32 (the caller takes the bits it needs). */
  private step(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const s2 = s[2]! ^ s0;
    const s3 = s[3]! ^ s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = rotl(s3, 11);
    return r;
  }

  /** A 32-bit unsigned integer. */
  nextU32(): number {
    return this.step() >>> 0;
  }

  /** Uniform in [0, 1), 53 bits. */
  next(): number {
    const hi = this.step() >>> 5;
    const lo = this.step() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Standard normal by the ziggurat method (Marsaglia & Tsang 2000, 128 layers): one 32-bit
   * draw and a table lookup for ~98% of values. A noisy run draws one normal per noisy
   * reaction every t0 = 0.05 time units — millions per iteration on MNIST — and Box–Muller
   * (two 53-bit uniforms, log, sqrt, sin, cos) took a third of such a run.
   */
  normal(): number {
    const hz = this.step();
    const iz = hz & 127;
    if (Math.abs(hz) < ZIG.kn[iz]!) return hz * ZIG.wn[iz]!;
    return this.normalTail(hz, iz);
  }

  /** The rare rejections of `normal()`: the base strip's tail and the wedges. */
  private normalTail(hz: number, iz: number): number {
    const { kn, wn, fn } = ZIG;
    for (;;) {
      const x = hz * wn[iz]!;
      if (iz === 0) {
        let t: number;
        let y: number;
        do {
          t = -Math.log(1 - this.next()) / ZIG_R;
          y = -Math.log(1 - this.next());
        } while (y + y < t * t);
        return hz > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      if (fn[iz]! + this.next() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = this.step();
      iz = hz & 127;
      if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
    }
  }

  /**
   * A Poisson(λ) count: inversion for λ < 10 (one uniform), else Hörmann's transformed rejection
   * with squeeze (PTRS, 1993: about 1.2 uniforms per draw at any λ); the draw of `poissonMany`
   * for one mean (τ-leaping draws a leap's counts there, all at once).
   */
  poisson(lambda: number): number {
    this.lam1[0] = lambda;
    this.poissonMany(this.lam1, this.out1, Infinity);
    return this.out1[0]!;
  }
  /** `poisson`'s one-element vectors for the generated draw below (the algorithm is written once, there). */
  private readonly lam1 = new Float64Array(1);
  private readonly out1 = new Float64Array(1);

  /**
   * Poisson counts for a whole vector of means at once: out[i] ~ Poisson(lam[i]) for i in order,
   * the normal approximation round(λ + √λ·ξ) (never below 0) above `normalAbove`, and 0 without
   * a draw where λ is 0. The very draws `poisson` and `normal` would make one by one, with the
   * generator's state in locals: implicit τ-leaping draws ~400 counts per leap, and one call
   * each (state loaded and stored at every step, a boxed double returned) was most of a leap.
   */
  poissonMany(lam: Float64Array, out: Float64Array, normalAbove: number): void {
    POISSON_MANY(this.s, ZIG.kn, ZIG.wn, (hz: number, iz: number) => this.normalTail(hz, iz), logFactorial, lam, out, normalAbove);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniformly random permutation of 0 .. n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

/** ln k! for k < 1024, tabulated once (PTRS asks for it on about one draw in ten). */
const LOG_FACTORIAL = (() => {
  const t = new Float64Array(1024);
  for (let i = 2; i < t.length; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
})();

/** ln k! (the table below 1024, Stirling's series above). */
function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL.length) return LOG_FACTORIAL[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/**
 * One xoshiro128** step as code on the locals s0..s3 (its output into `w`, from the state
 * before the step, as `Rng.step` returns it), for generated loops that keep the state in locals.
 */
export const XOSHIRO_STEP = "w=Math.imul(((z=Math.imul(s1,5))<<7|z>>>25),9);z=s1<<9;s2^=s0;s3^=s1;s1^=s2;s0^=s3;s2^=z;s3=s3<<11|s3>>>21;";
/** A 53-bit uniform into `uni` from two steps: `Rng.next()`'s stream. */
export const UNIFORM_53 = `${XOSHIRO_STEP}hi=w>>>5;${XOSHIRO_STEP}uni=(hi*67108864+(w>>>6))/9007199254740992;`;

/** `Rng.poissonMany`, generated from the step above; the rare rejections of the ziggurat go back to the object (`tail`), with the state written back first. */
const POISSON_MANY = new Function(
  "W",
  "ZK",
  "ZW",
  "tail",
  "logFactorial",
  "lam",
  "out",
  "normalAbove",
  `let s0=W[0],s1=W[1],s2=W[2],s3=W[3],w=0,z=0,hi=0,uni=0;
const n=lam.length;
for(let i=0;i<n;i++){
  const l=lam[i];
  if(!(l>0)){out[i]=0;continue;}
  if(l>normalAbove){
    ${XOSHIRO_STEP}let x=0;const iz=w&127;
    if(Math.abs(w)<ZK[iz])x=w*ZW[iz];
    else{W[0]=s0;W[1]=s1;W[2]=s2;W[3]=s3;x=tail(w,iz);s0=W[0];s1=W[1];s2=W[2];s3=W[3];}
    out[i]=Math.max(0,Math.round(l+Math.sqrt(l)*x));
  }else if(l<10){
    let p=Math.exp(-l);${UNIFORM_53}let u=uni;let k=0;
    while(u>p&&k<200){u-=p;k++;p*=l/k;}
    out[i]=k;
  }else{
    const b=0.931+2.53*Math.sqrt(l);const a=-0.059+0.02483*b;const vr=0.9277-3.6224/(b-2);
    for(;;){
      ${UNIFORM_53}const U=uni-0.5;${UNIFORM_53}const V=uni;
      const us=0.5-Math.abs(U);const k=Math.floor(((2*a)/us+b)*U+l+0.43);
      if(us>=0.07&&V<=vr){out[i]=k;break;}
      if(k<0||(us<0.013&&V>us))continue;
      const invalpha=1.1239+1.1328/(b-3.4);
      if(Math.log(V)+Math.log(invalpha)-Math.log(a/(us*us)+b)<=-l+k*Math.log(l)-logFactorial(k)){out[i]=k;break;}
    }
  }
}
W[0]=s0;W[1]=s1;W[2]=s2;W[3]=s3;`,
) as (
  W: Int32Array,
  ZK: Float64Array,
  ZW: Float64Array,
  tail: (hz: number, iz: number) => number,
  logFactorial: (k: number) => number,
  lam: Float64Array,
  out: Float64Array,
  normalAbove: number,
) => void;

/** Rotate a 32-bit word left (int32 in, int32 out). */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Where the ziggurat's base strip ends (128 layers). */
const ZIG_R = 3.442619855899;

/** Ziggurat tables for `Rng.normal` (Marsaglia & Tsang 2000, `zigset`): strip bounds and widths. */
const ZIG = (() => {
  const kn = new Float64Array(128);
  const wn = new Float64Array(128);
  const fn = new Float64Array(128);
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * m1;
  kn[1] = 0;
  wn[0] = q / m1;
  wn[127] = dn / m1;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * m1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
  return { kn, wn, fn };
})();
