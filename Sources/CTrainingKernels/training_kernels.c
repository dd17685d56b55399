// NeuralNet's kernels in every build this CPU family has (see nnlab_training_kernels.h).
#include <float.h>
#include "nnlab_training_kernels.h"
#include "nnlab_kernels.h"
#include "nnlab_simd.h"
#include "nnlab_sparse_loops.h"
#pragma clang fp contract(off)
// 16-float vectors pass between always-inlined helpers only, so the AVX2 build's ABI for them never applies.
#pragma clang diagnostic ignored "-Wpsabi"

#define NNLAB_BODY "training_body.h"
#include "nnlab_each_isa.h"

const nnlab_training_kernels *nnlab_training_kernels_for(int isa) {
    switch (isa) {
    case NNLAB_ISA_PORTABLE: return &training_kernels_portable;
#if defined(__x86_64__)
    case NNLAB_ISA_AVX2: return &training_kernels_avx2;
    case NNLAB_ISA_AVX512: return &training_kernels_avx512;
#endif
    default: return 0;
    }
}
