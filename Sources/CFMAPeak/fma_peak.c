#include "fma_peak.h"
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// Twelve chains of a = a * b + c per round, `lanes` floats each: enough independent work to cover the FMA
// latency (4 cycles) on two units.
#define PEAK(NAME, TARGET, LANES)                                                                            \
    typedef float NAME##_v __attribute__((ext_vector_type(LANES)));                                         \
    __attribute__((target(TARGET))) static double NAME(long rounds) {                                       \
        NAME##_v a[12], b = 0.999f, c = 1e-3f;                                                              \
        for (int i = 0; i < 12; i++) a[i] = (float)i;                                                       \
        double start = now();                                                                               \
        for (long r = 0; r < rounds; r++) {                                                                  \
            for (int i = 0; i < 12; i++) a[i] = __builtin_elementwise_fma(a[i], b, c);                      \
        }                                                                                                   \
        double seconds = now() - start;                                                                     \
        float sink = 0;                                                                                     \
        for (int i = 0; i < 12; i++) sink += a[i][0];                                                       \
        __asm__ volatile("" : : "r"(sink));                                                                  \
        return 2.0 * LANES * 12 * (double)rounds / seconds / 1e9;                                           \
    }

#if defined(__x86_64__)
PEAK(peak512, "avx512f", 16)
PEAK(peak256, "avx2,fma", 8)
PEAK(peak128, "fma", 4)

double nnlab_fma_peak_gflops(int bits) {
    __builtin_cpu_init();
    if (bits == 512 && !__builtin_cpu_supports("avx512f")) return 0;
    if (bits != 512 && !__builtin_cpu_supports("fma")) return 0;
    double best = 0;
    for (int trial = 0; trial < 5; trial++) {
        double g = bits == 512 ? peak512(4000000) : bits == 256 ? peak256(4000000) : peak128(4000000);
        if (g > best) best = g;
    }
    return best;
}
#else
double nnlab_fma_peak_gflops(int bits) {
    (void)bits;
    return 0;
}
#endif

int nnlab_flush_denormals(void) {
#if defined(__x86_64__)
    unsigned int csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    csr |= 0x8040;  // FTZ (bit 15), DAZ (bit 6)
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    return 0;
#else
    return -1;
#endif
}
