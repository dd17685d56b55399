// OpenBLAS CBLAS interface (Debian: libopenblas-dev); it also declares openblas_set_num_threads.
#include <cblas.h>

// A software prefetch hint (no such intrinsic in Swift): the training loop asks for the next batch's rows of the
// sparse training set while it computes on the current one. Not BLAS, but this is the C module TensorCore has.
static inline void nnlab_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// A spin-wait hint (x86 PAUSE, ARM YIELD): the training loop's helper thread polls for work in a loop and this
// keeps the poll from starving the thread beside it on the same core.
static inline void nnlab_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

// Square roots of 16 floats (y may be x), as vector instructions: Swift's Float.squareRoot() keeps C's errno
// rules (a compare and a libm call per value), so SIMD16<Float>.squareRoot() cannot vectorize.
typedef float nnlab_float16 __attribute__((ext_vector_type(16)));
static inline void nnlab_sqrt16(const float *x, float *y) {
    nnlab_float16 v;
    __builtin_memcpy(&v, x, sizeof v);
    v = __builtin_elementwise_sqrt(v);
    __builtin_memcpy(y, &v, sizeof v);
}
