// The processor and the BLAS library, as nnlab sees them: cpuid feature bits, and OpenBLAS loaded at run time
// (dlopen), after nnlab has chosen its kernel from those bits. OpenBLAS picks its kernel once, while it loads
// (reading OPENBLAS_CORETYPE); a library linked the usual way loads before main, too early to choose.
#pragma once
#include <stdint.h>

// Feature bits (nnlab_cpu_features). The vector ones are set only when the OS saves that register state.
enum {
    NNLAB_CPU_SSE2 = 1 << 0,
    NNLAB_CPU_AVX = 1 << 1,
    NNLAB_CPU_AVX2 = 1 << 2,
    NNLAB_CPU_FMA = 1 << 3,
    NNLAB_CPU_AVX512F = 1 << 4,
    NNLAB_CPU_AVX512BW = 1 << 5,
    NNLAB_CPU_AVX512VL = 1 << 6,
    NNLAB_CPU_AVX512DQ = 1 << 7,
    NNLAB_CPU_AVX512CD = 1 << 8,
    NNLAB_CPU_AVX512BF16 = 1 << 9,
    NNLAB_CPU_NEON = 1 << 10,
};

// The feature bits of the CPU this runs on (cpuid and xgetbv on x86-64; NEON on aarch64).
uint32_t nnlab_cpu_features(void);

// The CPU's brand string (cpuid leaves 0x80000002-4), or "" where there is none; at most size - 1 bytes.
void nnlab_cpu_brand(char *out, int size);

// Loads OpenBLAS (libopenblas.so.0) if it is not loaded yet. `core`: the OpenBLAS kernel to ask for, or NULL
// for OpenBLAS's own choice; a user's OPENBLAS_CORETYPE wins over it. The environment is left as it was.
// Returns 0, or -1 when no library could be loaded, -2 when it lacks cblas_sgemm.
int nnlab_blas_load(const char *core);

// Row-major C = alpha op(A) op(B) + beta C through the loaded library (nnlab_blas_load returned 0).
void nnlab_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);

// What the loaded library says of itself (openblas_get_corename, openblas_get_config), and the file it was
// loaded from; "" when unknown.
const char *nnlab_blas_corename(void);
const char *nnlab_blas_config(void);
const char *nnlab_blas_path(void);
// dlerror's text for the last failed load, or "".
const char *nnlab_blas_error(void);

// A software prefetch hint (no such intrinsic in Swift): the training loop asks for the next batch's rows of the
// sparse training set while it computes on the current one.
static inline void nnlab_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// A spin-wait hint (x86 PAUSE, ARM YIELD): a thread polling for work keeps from starving the one beside it.
static inline void nnlab_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
