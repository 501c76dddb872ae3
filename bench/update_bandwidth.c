/* How far memory bandwidth lets an Adam-shaped update scale from one core to two: each element
 * reads a gradient, two moments and a weight and writes the moments and the weight back (28 bytes,
 * as bfa's update), over arrays far larger than the caches. Prints GB/s on 1 and 2 threads.
 * gcc -O3 -march=native -fopenmp -o /tmp/update_bandwidth bench/update_bandwidth.c && /tmp/update_bandwidth */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#define ELEMENTS (40L * 1024 * 1024)
#define ROUNDS 5
int main(void) {
    float *m = aligned_alloc(64, ELEMENTS * 4), *v = aligned_alloc(64, ELEMENTS * 4);
    float *w = aligned_alloc(64, ELEMENTS * 4), *g = aligned_alloc(64, ELEMENTS * 4);
#pragma omp parallel for
    for (long i = 0; i < ELEMENTS; i++) { m[i] = 0.1f; v[i] = 0.2f; w[i] = 0.3f; g[i] = 0.4f; }
    for (int threads = 1; threads <= 2; threads++) {
        omp_set_num_threads(threads);
        for (int r = 0; r < ROUNDS; r++) {
            double start = omp_get_wtime();
#pragma omp parallel for
            for (long i = 0; i < ELEMENTS; i++) {
                float mi = 0.9f * m[i] + 0.1f * g[i];
                float vi = 0.999f * v[i] + 0.001f * g[i] * g[i];
                m[i] = mi; v[i] = vi; w[i] -= 1e-4f * mi / (vi + 1e-8f);
            }
            double seconds = omp_get_wtime() - start;
            printf("%d thread(s): %.1f GB/s\n", threads, 28.0 * ELEMENTS / seconds / 1e9);
        }
    }
    return 0;
}
