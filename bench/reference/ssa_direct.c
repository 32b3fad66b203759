/*
 * Gillespie's direct method in plain C: the reference that bench/ssa.mjs times crnnc's exact
 * SSA (src/sim/ssa.ts) against, on the very same chemistry (the bench writes the model file
 * from crnnc's compiled model).
 *
 * What it does, per event (the textbook direct method with a dependency graph, Gillespie 1977
 * with Gibson & Bruck's dependency graph, as in Cao, Li & Petzold 2004's "direct method"):
 *   - tau = -ln(1 - u1) / a0, with a0 the running total of the propensities;
 *   - select the reaction by a linear scan over the propensities in the model's order,
 *     accumulating until the partial sum exceeds u2 * a0 (no sorting, no search structure);
 *   - apply the net changes, then recompute only the propensities of the reactions that read
 *     a species the fired reaction changed (the dependency graph), updating a0 by the
 *     differences (a0 += a_new - a_old).
 * The incremental total can drift by rounding: a0 is re-summed from scratch every 2^16 events
 * and whenever the scan runs off the end (then the last reaction with a positive propensity
 * fires). PRNG: xoshiro256** (Blackman & Vigna), seeded through splitmix64, 53-bit doubles.
 *
 * Build: gcc -O2 -o ssa_direct ssa_direct.c -lm
 *
 * Model file (whitespace-separated text; '#' starts a comment line):
 *   ssa-model 1
 *   species N
 *   <N initial counts, non-negative integers>
 *   reactions M
 *   then M lines:  c  mode  nr  s_1 o_1 ... s_nr o_nr  nc  s_1 d_1 ... s_nc d_nc
 * where c is the propensity constant, mode is 'f' (falling factorials: a = c * prod n(n-1)...(n-o+1))
 * or 'p' (powers: a = c * prod n^o), (s, o) the reactant species (0-based) and orders, and
 * (s, d) the net changes (non-zero integers).
 * As in crnnc, nothing stops a firing from taking a count below zero: under 'f' a positive
 * propensity implies enough molecules of each reactant; under 'p' (SBML's reading) it does not.
 *
 * Usage: ssa_direct MODEL --until T [--max-events N] [--reps R] [--seed S] [--presort T0]
 *                         [--sample DT --species i,j,...] [--final]
 * --presort T0: the optimized direct method's ordering (Cao, Li & Petzold 2004) instead of the
 * model's: one untimed pre-simulation over [0, T0] counts each reaction's firings, and the
 * reactions are renumbered by decreasing count before the timed runs, so the scan stops early.
 * One JSON line per repetition on stdout: events, simulated time reached, wall seconds
 * (clock_gettime(CLOCK_MONOTONIC) around the event loop only), events per second, and the
 * same on CPU time (CLOCK_PROCESS_CPUTIME_ID: robust when the machine is shared); with
 * --sample, the mean of each listed species' count over the grid t = DT, 2 DT, ... <= T;
 * with --final, every species' count at the end. Each repetition restarts from the initial
 * counts with the generator seeded from S + repetition.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- xoshiro256** ---------------------------------------------------------------------- */

static uint64_t rs[4];

static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next_u64(void) {
  const uint64_t result = rotl(rs[1] * 5, 7) * 9;
  const uint64_t t = rs[1] << 17;
  rs[2] ^= rs[0];
  rs[3] ^= rs[1];
  rs[1] ^= rs[2];
  rs[0] ^= rs[3];
  rs[2] ^= t;
  rs[3] = rotl(rs[3], 45);
  return result;
}

/* Uniform in [0, 1), 53 bits. */
static inline double next_double(void) { return (double)(next_u64() >> 11) * 0x1.0p-53; }

static void seed_rng(uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    rs[i] = z ^ (z >> 31);
  }
}

/* ---- the model ------------------------------------------------------------------------- */

static int N, M;
static int64_t *init;   /* initial counts */
static int64_t *cnt;    /* current counts */
static double *c;       /* propensity constants */
static char *mode;      /* 'f' falling factorial, 'p' power */
static int *rStart, *rS, *rO;  /* reactants: rS/rO[rStart[r] .. rStart[r+1]) */
static int *nStart, *nS;       /* net changes */
static int64_t *nD;
static int *depStart = NULL, *dep = NULL;    /* dependency graph: reactions to recompute after r fires */
static double *a;              /* propensities */

static void die(const char *msg) {
  fprintf(stderr, "ssa_direct: %s\n", msg);
  exit(2);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

/* Next token, skipping '#' comment lines. */
static int token(FILE *f, char *buf, size_t size) {
  int ch;
  for (;;) {
    ch = fgetc(f);
    if (ch == EOF) return 0;
    if (ch == '#') {
      while (ch != '\n' && ch != EOF) ch = fgetc(f);
      continue;
    }
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') break;
  }
  size_t i = 0;
  while (ch != EOF && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
    if (i + 1 < size) buf[i++] = (char)ch;
    ch = fgetc(f);
  }
  buf[i] = 0;
  return 1;
}

static long long read_int(FILE *f) {
  char buf[64], *end;
  if (!token(f, buf, sizeof buf)) die("unexpected end of the model file");
  long long v = strtoll(buf, &end, 10);
  if (*end) die("expected an integer in the model file");
  return v;
}

static double read_double(FILE *f) {
  char buf[64], *end;
  if (!token(f, buf, sizeof buf)) die("unexpected end of the model file");
  double v = strtod(buf, &end);
  if (*end) die("expected a number in the model file");
  return v;
}

static void expect(FILE *f, const char *word) {
  char buf[64];
  if (!token(f, buf, sizeof buf) || strcmp(buf, word) != 0) {
    fprintf(stderr, "ssa_direct: expected '%s' in the model file\n", word);
    exit(2);
  }
}

static void build_deps(void);

static void read_model(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open the model file");
  expect(f, "ssa-model");
  if (read_int(f) != 1) die("unknown model file version");
  expect(f, "species");
  N = (int)read_int(f);
  init = xmalloc(sizeof(int64_t) * N);
  cnt = xmalloc(sizeof(int64_t) * N);
  for (int i = 0; i < N; i++) {
    init[i] = read_int(f);
    if (init[i] < 0) die("negative initial count");
  }
  expect(f, "reactions");
  M = (int)read_int(f);
  c = xmalloc(sizeof(double) * M);
  mode = xmalloc((size_t)M);
  rStart = xmalloc(sizeof(int) * (M + 1));
  nStart = xmalloc(sizeof(int) * (M + 1));
  size_t rCap = 16, nCap = 16, rLen = 0, nLen = 0;
  rS = xmalloc(sizeof(int) * rCap);
  rO = xmalloc(sizeof(int) * rCap);
  nS = xmalloc(sizeof(int) * nCap);
  nD = xmalloc(sizeof(int64_t) * nCap);
  for (int r = 0; r < M; r++) {
    char buf[8];
    c[r] = read_double(f);
    if (!(c[r] >= 0) || isinf(c[r])) die("propensity constants must be finite and non-negative");
    if (!token(f, buf, sizeof buf) || (strcmp(buf, "f") != 0 && strcmp(buf, "p") != 0)) die("mode must be f or p");
    mode[r] = buf[0];
    rStart[r] = (int)rLen;
    int nr = (int)read_int(f);
    for (int e = 0; e < nr; e++) {
      if (rLen == rCap) {
        rCap *= 2;
        rS = realloc(rS, sizeof(int) * rCap);
        rO = realloc(rO, sizeof(int) * rCap);
        if (!rS || !rO) die("out of memory");
      }
      rS[rLen] = (int)read_int(f);
      rO[rLen] = (int)read_int(f);
      if (rS[rLen] < 0 || rS[rLen] >= N || rO[rLen] < 1) die("bad reactant");
      rLen++;
    }
    nStart[r] = (int)nLen;
    int nc = (int)read_int(f);
    for (int e = 0; e < nc; e++) {
      if (nLen == nCap) {
        nCap *= 2;
        nS = realloc(nS, sizeof(int) * nCap);
        nD = realloc(nD, sizeof(int64_t) * nCap);
        if (!nS || !nD) die("out of memory");
      }
      nS[nLen] = (int)read_int(f);
      nD[nLen] = read_int(f);
      if (nS[nLen] < 0 || nS[nLen] >= N) die("bad net change");
      nLen++;
    }
  }
  rStart[M] = (int)rLen;
  nStart[M] = (int)nLen;
  fclose(f);
  a = xmalloc(sizeof(double) * M);
  build_deps();
}

/* Dependency graph: after r fires, recompute every reaction with a reactant r changed. */
static void build_deps(void) {
  size_t rLen = (size_t)rStart[M];
  int *readStart = calloc((size_t)N + 1, sizeof(int));
  if (!readStart) die("out of memory");
  for (size_t e = 0; e < rLen; e++) readStart[rS[e] + 1]++;
  for (int i = 0; i < N; i++) readStart[i + 1] += readStart[i];
  int *readers = xmalloc(sizeof(int) * rLen);
  int *fill = xmalloc(sizeof(int) * N);
  memcpy(fill, readStart, sizeof(int) * N);
  for (int r = 0; r < M; r++)
    for (int e = rStart[r]; e < rStart[r + 1]; e++) readers[fill[rS[e]]++] = r;
  int *mark = xmalloc(sizeof(int) * M);
  for (int r = 0; r < M; r++) mark[r] = -1;
  size_t dCap = 16, dLen = 0;
  free(dep);
  free(depStart);
  dep = xmalloc(sizeof(int) * dCap);
  depStart = xmalloc(sizeof(int) * (M + 1));
  for (int r = 0; r < M; r++) {
    depStart[r] = (int)dLen;
    for (int q = nStart[r]; q < nStart[r + 1]; q++) {
      if (nD[q] == 0) continue;
      int s = nS[q];
      for (int k = readStart[s]; k < readStart[s + 1]; k++) {
        int d = readers[k];
        if (mark[d] == r) continue;
        mark[d] = r;
        if (dLen == dCap) {
          dCap *= 2;
          dep = realloc(dep, sizeof(int) * dCap);
          if (!dep) die("out of memory");
        }
        dep[dLen++] = d;
      }
    }
  }
  depStart[M] = (int)dLen;
  free(readStart);
  free(readers);
  free(fill);
  free(mark);
}

static inline double propensity(int r) {
  double p = c[r];
  if (mode[r] == 'f') {
    for (int e = rStart[r]; e < rStart[r + 1]; e++) {
      int64_t n = cnt[rS[e]];
      int o = rO[e];
      if (n < o) return 0;
      for (int j = 0; j < o; j++) p *= (double)(n - j);
    }
  } else {
    for (int e = rStart[r]; e < rStart[r + 1]; e++) {
      double n = (double)cnt[rS[e]];
      for (int j = 0; j < rO[e]; j++) p *= n;
    }
  }
  return p;
}

static double resum(void) {
  double s = 0;
  for (int r = 0; r < M; r++) s += a[r];
  return s;
}

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double now_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }
static double cpu_seconds(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }

/* Reorder the reactions: new reaction k is old reaction perm[k] (then rebuild the graph). */
static void permute(const int *perm) {
  double *c2 = xmalloc(sizeof(double) * M);
  char *mode2 = xmalloc((size_t)M);
  int *rStart2 = xmalloc(sizeof(int) * (M + 1)), *nStart2 = xmalloc(sizeof(int) * (M + 1));
  int *rS2 = xmalloc(sizeof(int) * (size_t)rStart[M]), *rO2 = xmalloc(sizeof(int) * (size_t)rStart[M]);
  int *nS2 = xmalloc(sizeof(int) * (size_t)nStart[M]);
  int64_t *nD2 = xmalloc(sizeof(int64_t) * (size_t)nStart[M]);
  int re = 0, ne = 0;
  for (int k = 0; k < M; k++) {
    int r = perm[k];
    c2[k] = c[r];
    mode2[k] = mode[r];
    rStart2[k] = re;
    for (int e = rStart[r]; e < rStart[r + 1]; e++, re++) rS2[re] = rS[e], rO2[re] = rO[e];
    nStart2[k] = ne;
    for (int q = nStart[r]; q < nStart[r + 1]; q++, ne++) nS2[ne] = nS[q], nD2[ne] = nD[q];
  }
  rStart2[M] = re;
  nStart2[M] = ne;
  free(c), free(mode), free(rStart), free(nStart), free(rS), free(rO), free(nS), free(nD);
  c = c2, mode = mode2, rStart = rStart2, nStart = nStart2, rS = rS2, rO = rO2, nS = nS2, nD = nD2;
  build_deps();
}

struct run {
  long long events, samples;
  double t, seconds, cpuSeconds;
};

/*
 * One trajectory from the initial counts over [0, until] (or maxEvents events): the direct
 * method's event loop, timed alone. With sampleDt > 0, sums the listed species' counts on the
 * grid into sampleSum; with freq, counts each reaction's firings.
 */
static struct run simulate(double until, long long maxEvents, double sampleDt, int nSample, const int *sampleSp, double *sampleSum,
                           long long *freq) {
  memcpy(cnt, init, sizeof(int64_t) * N);
  for (int r = 0; r < M; r++) a[r] = propensity(r);
  double a0 = resum();
  double t = 0, nextSample = sampleDt > 0 ? sampleDt : INFINITY;
  long long events = 0, samples = 0;
  for (int k = 0; k < nSample; k++) sampleSum[k] = 0;
  unsigned sinceResum = 0;
  const double w0 = now_seconds(), p0 = cpu_seconds();
  for (;;) {
    if (!(a0 > 0)) {
      a0 = resum();
      if (!(a0 > 0)) break;
    }
    double tau = -log(1.0 - next_double()) / a0;
    /* Samples on the grid before the next event see the current state. */
    while (nextSample <= until && nextSample < t + tau) {
      for (int k = 0; k < nSample; k++) sampleSum[k] += (double)cnt[sampleSp[k]];
      samples++;
      nextSample = sampleDt * (double)(samples + 1);
    }
    if (t + tau >= until) break;
    if (maxEvents >= 0 && events >= maxEvents) break;
    t += tau;
    double target = next_double() * a0, s = 0;
    int r = 0;
    for (; r < M; r++) {
      s += a[r];
      if (s > target) break;
    }
    if (r == M) { /* rounding or drift: fire the last reaction that can, and re-sum */
      r = M - 1;
      while (r > 0 && !(a[r] > 0)) r--;
      sinceResum = 1u << 16;
    }
    for (int q = nStart[r]; q < nStart[r + 1]; q++) cnt[nS[q]] += nD[q];
    for (int d = depStart[r]; d < depStart[r + 1]; d++) {
      int j = dep[d];
      double an = propensity(j);
      a0 += an - a[j];
      a[j] = an;
    }
    if (freq) freq[r]++;
    events++;
    if (++sinceResum >= (1u << 16)) {
      a0 = resum();
      sinceResum = 0;
    }
  }
  const double wall = now_seconds() - w0, cpu = cpu_seconds() - p0;
  if (!(maxEvents >= 0 && events >= maxEvents)) { /* no more events, or the next one lies past until */
    while (nextSample <= until) {
      for (int k = 0; k < nSample; k++) sampleSum[k] += (double)cnt[sampleSp[k]];
      samples++;
      nextSample = sampleDt * (double)(samples + 1);
    }
    t = until;
  }
  struct run out = {events, samples, t, wall, cpu};
  return out;
}

static long long *sortFreq;
static int by_frequency(const void *x, const void *y) {
  long long fx = sortFreq[*(const int *)x], fy = sortFreq[*(const int *)y];
  return fx > fy ? -1 : fx < fy ? 1 : (*(const int *)x - *(const int *)y);
}

int main(int argc, char **argv) {
  const char *path = NULL;
  double until = -1, sampleDt = 0, presort = 0;
  long long maxEvents = -1;
  int reps = 1, final = 0;
  unsigned long long seed = 1;
  int *sampleSp = NULL, nSample = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--until") && i + 1 < argc) until = atof(argv[++i]);
    else if (!strcmp(argv[i], "--max-events") && i + 1 < argc) maxEvents = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--sample") && i + 1 < argc) sampleDt = atof(argv[++i]);
    else if (!strcmp(argv[i], "--presort") && i + 1 < argc) presort = atof(argv[++i]);
    else if (!strcmp(argv[i], "--final")) final = 1;
    else if (!strcmp(argv[i], "--species") && i + 1 < argc) {
      char *s = argv[++i];
      sampleSp = xmalloc(sizeof(int) * (strlen(s) + 1));
      for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) sampleSp[nSample++] = atoi(tok);
    } else if (argv[i][0] != '-' && !path) path = argv[i];
    else {
      fprintf(stderr, "usage: ssa_direct MODEL --until T [--max-events N] [--reps R] [--seed S] [--presort T0] [--sample DT --species i,j] [--final]\n");
      return 2;
    }
  }
  if (!path || !(until > 0)) die("a model file and --until T > 0 are required");
  read_model(path);
  for (int k = 0; k < nSample; k++)
    if (sampleSp[k] < 0 || sampleSp[k] >= N) die("--species out of range");
  double *sampleSum = xmalloc(sizeof(double) * (nSample ? nSample : 1));

  if (presort > 0) {
    /* The optimized direct method's ordering (Cao, Li & Petzold 2004): one pre-simulation over
       [0, presort] counts firings; the scan then visits reactions by decreasing frequency. */
    long long *freq = calloc((size_t)M, sizeof(long long));
    int *perm = xmalloc(sizeof(int) * M);
    if (!freq) die("out of memory");
    seed_rng(seed ^ 0x5eed5eed5eedULL);
    struct run pre = simulate(presort, -1, 0, 0, NULL, sampleSum, freq);
    for (int r = 0; r < M; r++) perm[r] = r;
    sortFreq = freq;
    qsort(perm, (size_t)M, sizeof(int), by_frequency);
    permute(perm);
    fprintf(stderr, "ssa_direct: presorted by %lld pre-simulated events, %.3f s\n", pre.events, pre.seconds);
    free(freq);
    free(perm);
  }

  for (int rep = 0; rep < reps; rep++) {
    seed_rng(seed + (unsigned long long)rep);
    struct run r = simulate(until, maxEvents, sampleDt, nSample, sampleSp, sampleSum, NULL);
    printf("{\"rep\":%d,\"events\":%lld,\"t\":%.17g,\"seconds\":%.9g,\"eventsPerSecond\":%.9g,\"cpuSeconds\":%.9g,\"eventsPerCpuSecond\":%.9g",
           rep, r.events, r.t, r.seconds, r.seconds > 0 ? (double)r.events / r.seconds : 0.0, r.cpuSeconds,
           r.cpuSeconds > 0 ? (double)r.events / r.cpuSeconds : 0.0);
    if (nSample) {
      printf(",\"samples\":%lld,\"sampleMean\":[", r.samples);
      for (int k = 0; k < nSample; k++) printf("%s%.17g", k ? "," : "", r.samples ? sampleSum[k] / (double)r.samples : 0.0);
      printf("]");
    }
    if (final) {
      printf(",\"final\":[");
      for (int i = 0; i < N; i++) printf("%s%lld", i ? "," : "", (long long)cnt[i]);
      printf("]");
    }
    printf("}\n");
    fflush(stdout);
  }
  return 0;
}
