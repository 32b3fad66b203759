/*
 * Reference timings with SUNDIALS CVODE: one-pot training of a crnnc CRN.
 *
 * CVODE (BDF, Newton iteration) with an analytic Jacobian, either sparse CSC with the KLU
 * direct solver (default) or dense with SUNDIALS' dense LU (--dense, what libRoadRunner uses),
 * rtol 1e-6, atol 1e-9 (--rtol/--atol). Per iteration k: put sample k on the input and target
 * species, CVodeReInit at t = (k-1)T from the carried-over state and integrate to exactly kT
 * (CVodeSetStopTime). Prints ms/iteration over the first 40 and 300 iterations and over all
 * that ran, then one JSON line.
 *
 *   make -C bench/reference
 *   bench/reference/cvode_klu /tmp/xor.crn.txt [--dense] [--iterations N] [--max-seconds S]
 *       [--state-at K --state-out FILE]
 *
 * The input file comes from crn_to_text.py (format described there). Built against the
 * SUNDIALS 6.x API (SUNContext; Debian 12 ships 6.4.1).
 *
 * Rates: mass action without combinatorial factors, rate_r = k_r prod_i x_i^{n_i},
 * dx/dt = sum_r (products - reactants) rate_r. Jacobian J[t][s] = sum_r N[t][r] d rate_r/d x_s.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_types.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

typedef struct {
  int n, m;
  double T;
  double *x0;
  double *k;
  int *rstart, *rs, *rn; /* reactants of r: rs[rstart[r] .. rstart[r+1]), orders rn */
  int *nstart, *ns;      /* net stoichiometry of r: ns[...], changes nv[...] */
  double *nv;
  int ni, nt, nw, *inputs, *targets, *weights;
  int iterations;
  double *samples; /* iterations x (ni + nt) */
  char **ids;
  /* Jacobian: CSC pattern (with full diagonal) and, per reactant entry e, the pairs
     (slot, coefficient) for the net species of its reaction: pslot/pcoef[pstart[e] .. pstart[e+1]). */
  int nnz;
  sunindextype *colptr, *rowidx;
  int *pstart, *pslot, *pdense;
  double *pcoef;
  int dense;
  long jac_calls;
} Crn;

static void die(const char *msg) {
  fprintf(stderr, "cvode_klu: %s\n", msg);
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = calloc(n ? n : 1, 1);
  if (!p) die("out of memory");
  return p;
}

static int read_int(FILE *f) {
  int v;
  if (fscanf(f, "%d", &v) != 1) die("bad input file (expected an integer)");
  return v;
}

static double read_double(FILE *f) {
  double v;
  if (fscanf(f, "%lf", &v) != 1) die("bad input file (expected a number)");
  return v;
}

static int *read_list(FILE *f, int *count) {
  *count = read_int(f);
  int *a = xmalloc(sizeof(int) * (size_t)*count);
  for (int i = 0; i < *count; i++) a[i] = read_int(f);
  return a;
}

static void load(Crn *c, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open the input file");
  char magic[32];
  if (fscanf(f, "%31s", magic) != 1 || strcmp(magic, "crnref") != 0 || read_int(f) != 1) die("not a crnref 1 file");
  c->n = read_int(f);
  c->m = read_int(f);
  c->T = read_double(f);
  int n = c->n, m = c->m;
  c->x0 = xmalloc(sizeof(double) * n);
  for (int q = 0; q < n; q++) c->x0[q] = read_double(f);
  c->k = xmalloc(sizeof(double) * m);
  c->rstart = xmalloc(sizeof(int) * (m + 1));
  c->nstart = xmalloc(sizeof(int) * (m + 1));
  int cap = 4 * m + 16;
  c->rs = xmalloc(sizeof(int) * cap);
  c->rn = xmalloc(sizeof(int) * cap);
  c->ns = xmalloc(sizeof(int) * cap);
  c->nv = xmalloc(sizeof(double) * cap);
  int er = 0, en = 0;
  for (int r = 0; r < m; r++) {
    c->k[r] = read_double(f);
    c->rstart[r] = er;
    int nr = read_int(f);
    for (int i = 0; i < nr; i++) {
      if (er >= cap) die("too many reactant entries");
      c->rs[er] = read_int(f);
      c->rn[er] = read_int(f);
      er++;
    }
    c->nstart[r] = en;
    int nn = read_int(f);
    for (int i = 0; i < nn; i++) {
      if (en >= cap) die("too many net entries");
      c->ns[en] = read_int(f);
      c->nv[en] = read_int(f);
      en++;
    }
  }
  c->rstart[m] = er;
  c->nstart[m] = en;
  c->inputs = read_list(f, &c->ni);
  c->targets = read_list(f, &c->nt);
  c->weights = read_list(f, &c->nw);
  c->iterations = read_int(f);
  int w = c->ni + c->nt;
  c->samples = xmalloc(sizeof(double) * (size_t)c->iterations * w);
  for (long i = 0; i < (long)c->iterations * w; i++) c->samples[i] = read_double(f);
  c->ids = xmalloc(sizeof(char *) * n);
  char buf[512];
  for (int q = 0; q < n; q++) {
    if (fscanf(f, "%511s", buf) != 1) die("bad input file (species ids)");
    c->ids[q] = strdup(buf);
  }
  fclose(f);
}

/* The Jacobian's CSC pattern: every (net species of r, reactant of r) pair plus the diagonal. */
static void build_pattern(Crn *c) {
  int n = c->n, m = c->m;
  unsigned char *mark = xmalloc((size_t)n * n); /* mark[s * n + t]: column s, row t */
  for (int q = 0; q < n; q++) mark[(size_t)q * n + q] = 1;
  for (int r = 0; r < m; r++)
    for (int e = c->rstart[r]; e < c->rstart[r + 1]; e++)
      for (int p = c->nstart[r]; p < c->nstart[r + 1]; p++) mark[(size_t)c->rs[e] * n + c->ns[p]] = 1;
  int *slot = xmalloc(sizeof(int) * (size_t)n * n);
  c->colptr = xmalloc(sizeof(sunindextype) * (n + 1));
  int nnz = 0;
  for (int s = 0; s < n; s++)
    for (int t = 0; t < n; t++)
      if (mark[(size_t)s * n + t]) nnz++;
  c->rowidx = xmalloc(sizeof(sunindextype) * nnz);
  c->nnz = nnz;
  nnz = 0;
  for (int s = 0; s < n; s++) {
    c->colptr[s] = nnz;
    for (int t = 0; t < n; t++)
      if (mark[(size_t)s * n + t]) {
        slot[(size_t)s * n + t] = nnz;
        c->rowidx[nnz++] = t;
      }
  }
  c->colptr[n] = nnz;
  int entries = c->rstart[m];
  c->pstart = xmalloc(sizeof(int) * (entries + 1));
  int pairs = 0;
  for (int r = 0; r < m; r++)
    pairs += (c->rstart[r + 1] - c->rstart[r]) * (c->nstart[r + 1] - c->nstart[r]);
  c->pslot = xmalloc(sizeof(int) * (pairs + 1));
  c->pdense = xmalloc(sizeof(int) * (pairs + 1));
  c->pcoef = xmalloc(sizeof(double) * (pairs + 1));
  int pi = 0;
  for (int r = 0; r < m; r++)
    for (int e = c->rstart[r]; e < c->rstart[r + 1]; e++) {
      c->pstart[e] = pi;
      for (int p = c->nstart[r]; p < c->nstart[r + 1]; p++) {
        c->pslot[pi] = slot[(size_t)c->rs[e] * n + c->ns[p]];
        c->pdense[pi] = c->rs[e] * n + c->ns[p]; /* column-major dense index */
        c->pcoef[pi] = c->nv[p];
        pi++;
      }
    }
  c->pstart[entries] = pi;
  free(mark);
  free(slot);
}

static inline double ipow(double x, int n) {
  switch (n) {
    case 0: return 1.0;
    case 1: return x;
    case 2: return x * x;
    case 3: return x * x * x;
    default: return pow(x, n);
  }
}

static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user) {
  (void)t;
  const Crn *c = user;
  const double *x = N_VGetArrayPointer(y);
  double *dx = N_VGetArrayPointer(ydot);
  memset(dx, 0, sizeof(double) * c->n);
  for (int r = 0; r < c->m; r++) {
    double v = c->k[r];
    for (int e = c->rstart[r]; e < c->rstart[r + 1]; e++) v *= ipow(x[c->rs[e]], c->rn[e]);
    for (int p = c->nstart[r]; p < c->nstart[r + 1]; p++) dx[c->ns[p]] += c->nv[p] * v;
  }
  return 0;
}

/* Fills vals (sparse data or the dense column-major array) with the analytic Jacobian. */
static void jacobian(Crn *c, const double *x, double *vals, int dense) {
  for (int r = 0; r < c->m; r++) {
    int e0 = c->rstart[r], e1 = c->rstart[r + 1];
    for (int e = e0; e < e1; e++) {
      if (c->rn[e] == 0) continue;
      double d = c->k[r] * c->rn[e] * ipow(x[c->rs[e]], c->rn[e] - 1);
      for (int e2 = e0; e2 < e1; e2++)
        if (e2 != e) d *= ipow(x[c->rs[e2]], c->rn[e2]);
      for (int p = c->pstart[e]; p < c->pstart[e + 1]; p++) vals[dense ? c->pdense[p] : c->pslot[p]] += c->pcoef[p] * d;
    }
  }
}

static int jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *user, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)t, (void)fy, (void)t1, (void)t2, (void)t3;
  Crn *c = user;
  c->jac_calls++;
  const double *x = N_VGetArrayPointer(y);
  if (c->dense) {
    double *a = SUNDenseMatrix_Data(J);
    memset(a, 0, sizeof(double) * (size_t)c->n * c->n);
    jacobian(c, x, a, 1);
  } else {
    sunindextype *ptr = SUNSparseMatrix_IndexPointers(J), *idx = SUNSparseMatrix_IndexValues(J);
    double *a = SUNSparseMatrix_Data(J);
    memcpy(ptr, c->colptr, sizeof(sunindextype) * (c->n + 1));
    memcpy(idx, c->rowidx, sizeof(sunindextype) * c->nnz);
    memset(a, 0, sizeof(double) * c->nnz);
    jacobian(c, x, a, 0);
  }
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static void check(int flag, const char *what) {
  if (flag < 0) {
    fprintf(stderr, "cvode_klu: %s failed with flag %d\n", what, flag);
    exit(1);
  }
}

static double mean(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s / n;
}

int main(int argc, char **argv) {
  const char *path = NULL, *state_out = NULL;
  int iterations = 300, state_at = 0;
  double max_seconds = 600, rtol = 1e-6, atol = 1e-9;
  Crn c;
  memset(&c, 0, sizeof c);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--dense")) c.dense = 1;
    else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc) max_seconds = atof(argv[++i]);
    else if (!strcmp(argv[i], "--rtol") && i + 1 < argc) rtol = atof(argv[++i]);
    else if (!strcmp(argv[i], "--atol") && i + 1 < argc) atol = atof(argv[++i]);
    else if (!strcmp(argv[i], "--state-at") && i + 1 < argc) state_at = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--state-out") && i + 1 < argc) state_out = argv[++i];
    else if (argv[i][0] != '-' && !path) path = argv[i];
    else {
      fprintf(stderr, "usage: cvode_klu FILE [--dense] [--iterations N] [--max-seconds S] [--rtol R] [--atol A] [--state-at K --state-out F]\n");
      return 2;
    }
  }
  if (!path) die("no input file");
  load(&c, path);
  build_pattern(&c);
  if (iterations > c.iterations) iterations = c.iterations;

  SUNContext ctx;
  check(SUNContext_Create(NULL, &ctx), "SUNContext_Create");
  N_Vector y = N_VNew_Serial(c.n, ctx);
  double *x = N_VGetArrayPointer(y);
  memcpy(x, c.x0, sizeof(double) * c.n);
  SUNMatrix A;
  SUNLinearSolver LS;
  if (c.dense) {
    A = SUNDenseMatrix(c.n, c.n, ctx);
    LS = SUNLinSol_Dense(y, A, ctx);
  } else {
    A = SUNSparseMatrix(c.n, c.n, c.nnz, CSC_MAT, ctx);
    LS = SUNLinSol_KLU(y, A, ctx);
  }
  if (!A || !LS) die("cannot create the matrix or linear solver");
  void *mem = CVodeCreate(CV_BDF, ctx);
  check(CVodeInit(mem, rhs, 0.0, y), "CVodeInit");
  check(CVodeSStolerances(mem, rtol, atol), "CVodeSStolerances");
  check(CVodeSetUserData(mem, &c), "CVodeSetUserData");
  check(CVodeSetLinearSolver(mem, LS, A), "CVodeSetLinearSolver");
  check(CVodeSetJacFn(mem, jac), "CVodeSetJacFn");
  check(CVodeSetMaxNumSteps(mem, 10000000), "CVodeSetMaxNumSteps");

  double *per = xmalloc(sizeof(double) * iterations);
  long steps = 0, fevals = 0, jevals = 0, setups = 0, errfails = 0, nlfails = 0;
  int ran = 0;
  double start = now_ms();
  for (int k = 1; k <= iterations; k++) {
    const double *row = c.samples + (size_t)(k - 1) * (c.ni + c.nt);
    double t0 = (k - 1) * c.T, t1 = k * c.T, tret;
    double a = now_ms();
    for (int j = 0; j < c.ni; j++) x[c.inputs[j]] = row[j];
    for (int i = 0; i < c.nt; i++) x[c.targets[i]] = row[c.ni + i];
    check(CVodeReInit(mem, t0, y), "CVodeReInit");
    check(CVodeSetStopTime(mem, t1), "CVodeSetStopTime");
    int flag = CVode(mem, t1, y, &tret, CV_NORMAL);
    if (flag < 0) {
      fprintf(stderr, "cvode_klu: CVode failed at iteration %d, t = %g, flag %d\n", k, tret, flag);
      return 1;
    }
    per[k - 1] = now_ms() - a;
    ran = k;
    long v;
    CVodeGetNumSteps(mem, &v), steps += v;
    CVodeGetNumRhsEvals(mem, &v), fevals += v;
    CVodeGetNumJacEvals(mem, &v), jevals += v;
    CVodeGetNumLinSolvSetups(mem, &v), setups += v;
    CVodeGetNumErrTestFails(mem, &v), errfails += v;
    CVodeGetNumNonlinSolvConvFails(mem, &v), nlfails += v;
    if (k == state_at && state_out) {
      FILE *f = fopen(state_out, "w");
      if (!f) die("cannot write the state file");
      fprintf(f, "# SUNDIALS %s CVODE BDF %s rtol %g atol %g, %d iterations of T = %g, t = %g\n", SUNDIALS_VERSION,
              c.dense ? "dense" : "KLU", rtol, atol, k, c.T, t1);
      for (int q = 0; q < c.n; q++) fprintf(f, "%s %.17g\n", c.ids[q], x[q]);
      fclose(f);
    }
    if (now_ms() - start > max_seconds * 1e3) break;
  }
  const char *solver = c.dense ? "dense LU (SUNLinSol_Dense)" : "KLU (SUNLinSol_KLU)";
  char m40[32] = "null", m300[32] = "null", m3000[32] = "null";
  if (ran >= 40) snprintf(m40, sizeof m40, "%.4f", mean(per, 40));
  if (ran >= 300) snprintf(m300, sizeof m300, "%.4f", mean(per, 300));
  if (ran >= 3000) snprintf(m3000, sizeof m3000, "%.4f", mean(per, 3000));
  printf("CVODE BDF (%s, analytic Jacobian, nnz %d): %d species, %d reactions, %d iterations; ms/iteration first 40 %s, first 300 %s, "
         "first 3000 %s, all %.4f; steps %ld, f evals %ld, J evals %ld, linear setups %ld, error test fails %ld, Newton conv fails %ld\n",
         solver, c.nnz, c.n, c.m, ran, m40, m300, m3000, mean(per, ran), steps, fevals, jevals, setups, errfails, nlfails);
  printf("{\"integrator\": \"SUNDIALS CVODE BDF\", \"sundials\": \"%s\", \"linear_solver\": \"%s\", \"jacobian\": \"analytic %s\", "
         "\"species\": %d, \"reactions\": %d, \"rtol\": %g, \"atol\": %g, \"iterations_run\": %d, \"ms_first40\": %s, \"ms_first300\": %s, "
         "\"ms_first3000\": %s, \"ms_all\": %.4f, \"steps\": %ld, \"nfev\": %ld, \"njev\": %ld, \"lsetups\": %ld}\n",
         SUNDIALS_VERSION, solver, c.dense ? "dense" : "sparse CSC", c.n, c.m, rtol, atol, ran, m40, m300, m3000, mean(per, ran), steps, fevals,
         jevals, setups);
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
  return 0;
}
