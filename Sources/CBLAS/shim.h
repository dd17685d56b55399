// OpenBLAS CBLAS interface (Debian: libopenblas-dev); it also declares openblas_set_num_threads.
#include <cblas.h>

// A software prefetch hint (no such intrinsic in Swift): the training loop asks for the next batch's rows of the
// sparse training set while it computes on the current one. Not BLAS, but this is the C module TensorCore has.
static inline void nnlab_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
