// Pieces every kernel body shares: 16-float vectors and the instantiation of a body once per instruction set.
// Included by C files only (not part of the Swift module).
#pragma once
#include <stdint.h>
#include <string.h>

typedef float nnlab_v16 __attribute__((ext_vector_type(16)));
// The same vector at any float's alignment, for loads and stores.
typedef float nnlab_v16_unaligned __attribute__((ext_vector_type(16), aligned(4)));
// 16 bytes, for conversion to floats (__builtin_convertvector).
typedef uint8_t nnlab_u8x16 __attribute__((ext_vector_type(16)));

// Macros, not functions: a helper function compiled outside a build's target attributes could not take or
// return these vectors in that build's registers.
#define NNLAB_INLINE static inline __attribute__((always_inline))
#define nnlab_load(p) ((nnlab_v16)(*(const nnlab_v16_unaligned *)(p)))
#define nnlab_store(v, p) (*(nnlab_v16_unaligned *)(p) = (v))
#define nnlab_splat(x) ((nnlab_v16)(x))
// a · b + c with one rounding, in every lane (Swift's addingProduct).
#define nnlab_fma(a, b, c) __builtin_elementwise_fma((a), (b), (c))

// NNLAB_NAME(f): f's name in the build being instantiated (f_portable, f_avx2, f_avx512).
#define NNLAB_PASTE2(a, b) a##_##b
#define NNLAB_PASTE(a, b) NNLAB_PASTE2(a, b)
#define NNLAB_NAME(f) NNLAB_PASTE(f, NNLAB_ISA)

// The target attributes of the x86-64 builds.
#define NNLAB_TARGET_AVX2 "avx2,fma"
#define NNLAB_TARGET_AVX512 "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"
