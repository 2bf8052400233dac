/* bench-util.h — small statistics shared by the benchmarks. */
#pragma once

#include <glib.h>
#include <stdlib.h>

static inline int
bench_cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Sorts v in place. p in [0, 1]: 0.5 is the median (upper middle for even n). */
static inline double
bench_percentile (double *v, guint n, double p)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return v[MIN (n - 1, (guint) (p * (n - 1) + 0.5))];
}

/* Sorts v in place; the mean of the two middle values for even n. */
static inline double
bench_median (double *v, guint n)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
