// nnlab's own SIMD kernels (the sparse first layer, kNN), compiled once per instruction set from one body
// (sparse_body.h): a portable build, AVX2+FMA and AVX-512 on x86-64. Every build does the same IEEE operations
// in the same order on each value (16 floats at a time as one vector, or one at a time in the tails, fused
// multiply-adds exactly where the body says so, nothing contracted by the compiler), so all give the same
// numbers, bit for bit; they differ only in how many lanes one instruction carries.
#pragma once
#include <stdint.h>

enum { NNLAB_ISA_PORTABLE = 0, NNLAB_ISA_AVX2 = 1, NNLAB_ISA_AVX512 = 2 };

typedef struct nnlab_tensor_kernels {
    const char *name;
    // out[0..<n] = base[0..<n] + Σ_{e in begin..<end} value(e) · rows[index(e)][0..<n] (rows `stride` apart):
    // packed entries are index | code << 16 with value palette[code]; separate ones, two arrays.
    void (*row_combination_packed)(long n, const float *base, long begin, long end, const uint32_t *packed,
                                   const float *palette, const float *rows, long stride, float *out);
    void (*row_combination_separate)(long n, const float *base, long begin, long end, const int32_t *indices,
                                     const float *values, const float *rows, long stride, float *out);
    // For every k < count: target[k][0..<n] += shift + Σ_{e in column k} value(e) · g[index(e)][0..<n], column k
    // being the packed entries starts[k]..<starts[k+1]; for a column with pre_slots[k] ≥ 0 (pre_slots may be
    // NULL), shift + row pre_slots[k] of pre_rows instead. Rows of g, pre_rows and target are g_stride,
    // pre_stride and stride apart.
    void (*transpose_add)(long n, long count, const int32_t *starts, const uint32_t *packed, const float *palette,
                          const float *g, long g_stride, const float *shift, const int32_t *pre_slots,
                          const float *pre_rows, long pre_stride, float *target, long stride);
    // y[0..<n] += x[r][0..<n] for r = 0, 1, ..., count - 1 in turn (rows of x `stride` apart): each y[j] gains
    // the rows' values one after another, as count calls of a row add would.
    void (*add_rows)(long n, long count, const float *x, long stride, float *y);
    // Rows picked[0..<rows] of `codes` (rows of `width` codes) as floats: out[r * width + j] =
    // palette[codes[picked[r] * width + j]], or with `affine` (not NULL: scale, shift, subtract) the code's value
    // by arithmetic, ((float)code * scale + shift) - subtract, rounded after each operation (SparseRows checks that
    // this is its palette, bit for bit).
    void (*expand_rows)(long rows, const long *picked, const uint8_t *codes, long width, const float *palette,
                        const float *affine, float *out);
    // out[i] = (float)bytes[i] * scale + shift for i < count: a rounded product, then a rounded sum.
    void (*bytes_to_floats)(long count, const uint8_t *bytes, float scale, float shift, float *out);
    // The sparse first layer's dense-block products, every value a chain of fused multiply-adds in the order of p
    // (no other rounding): c[i][j] ← c[i][j] + Σ_{p<k} a[i][p] · b[p][j] for i < m, j < n (a: m x k, b: k x n);
    // and g[i][j] = Σ_{p<k} a[p][i] · d[p][j], the sum from 0 (a: k x m, d: k x n). Rows lda, ldb, ldc, ldd, ldg
    // apart.
    void (*block_times)(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc);
    void (*block_transpose_times)(long m, long n, long k, const float *a, long lda, const float *d, long ldd,
                                  float *g, long ldg);
} nnlab_tensor_kernels;

// The kernels built for `isa`, or NULL where this build has none (AVX2 and AVX-512 exist on x86-64 only).
// Which one a CPU can run is the caller's business (cpuid).
const nnlab_tensor_kernels *nnlab_tensor_kernels_for(int isa);
