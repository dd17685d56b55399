// Instantiates a kernel body once per instruction set this CPU family has: portable, and on x86-64 AVX2+FMA and
// AVX-512, each under its target attribute, with NNLAB_ISA (the names' suffix, see NNLAB_NAME), NNLAB_ISA_NAME
// (the build's name for reports) and NNLAB_WIDE_REGISTERS (1 where the build has 32 vector registers, for tile
// shapes) defined around it. The including file defines NNLAB_BODY, the body's header name, found through its
// target's header search path "." (Package.swift). Included by kernels.c and training_kernels.c, once each,
// after nnlab_simd.h; deliberately not #pragma once.
#define NNLAB_ISA portable
#define NNLAB_ISA_NAME "portable"
#define NNLAB_WIDE_REGISTERS 0
#include NNLAB_BODY
#undef NNLAB_ISA
#undef NNLAB_ISA_NAME
#undef NNLAB_WIDE_REGISTERS

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target(NNLAB_TARGET_AVX2))), apply_to = function)
#define NNLAB_ISA avx2
#define NNLAB_ISA_NAME "AVX2+FMA"
#define NNLAB_WIDE_REGISTERS 0
#include NNLAB_BODY
#undef NNLAB_ISA
#undef NNLAB_ISA_NAME
#undef NNLAB_WIDE_REGISTERS
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target(NNLAB_TARGET_AVX512))), apply_to = function)
#define NNLAB_ISA avx512
#define NNLAB_ISA_NAME "AVX-512"
#define NNLAB_WIDE_REGISTERS 1
#include NNLAB_BODY
#undef NNLAB_ISA
#undef NNLAB_ISA_NAME
#undef NNLAB_WIDE_REGISTERS
#pragma clang attribute pop
#endif
