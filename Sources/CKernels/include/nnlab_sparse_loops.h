// The loops of the sparse kernels, shared by their bodies (kernels.c here, training_kernels.c in
// CTrainingKernels). Included by C files only, after nnlab_simd.h.
#pragma once

// a0..a3 += Σ_e value(e) · rows[index(e)][j..<j+64] (rows `stride` apart), the four 16-lane sums kept in
// registers while the selected rows stream past: the inner loop of every sparse kernel. READ(e, index, value).
#define NNLAB_ACCUMULATE64(a0, a1, a2, a3, begin, end, READ, rows, stride, j)                       \
    for (long e_ = (begin); e_ < (end); e_++) {                                                    \
        long index_;                                                                               \
        float value_;                                                                              \
        READ(e_, index_, value_);                                                                  \
        nnlab_v16 v_ = nnlab_splat(value_);                                                        \
        const float *r_ = (rows) + index_ * (stride) + (j);                                        \
        a0 = nnlab_fma(v_, nnlab_load(r_), a0);                                                    \
        a1 = nnlab_fma(v_, nnlab_load(r_ + 16), a1);                                               \
        a2 = nnlab_fma(v_, nnlab_load(r_ + 32), a2);                                               \
        a3 = nnlab_fma(v_, nnlab_load(r_ + 48), a3);                                               \
    }

#define NNLAB_READ_PACKED(e, index, value)                                                         \
    do { uint32_t p_ = packed[e]; index = (long)(p_ & 0xFFFF); value = palette[p_ >> 16]; } while (0)
#define NNLAB_READ_SEPARATE(e, index, value) do { index = (long)indices[e]; value = values[e]; } while (0)

// The statements of a sparse-transpose product (see transpose_add in nnlab_kernels.h), each finished piece of
// row k handed to FINISH16(a, k, j) (16 lanes from column j) or FINISH1(a, k, j): rows in order of k, each
// row's columns in order. Expects n, count, starts, packed, palette, g, g_stride, shift, pre_slots, pre_rows,
// pre_stride in scope.
#define NNLAB_TRANSPOSE_ROWS(FINISH16, FINISH1)                                                    \
    for (long k = 0; k < count; k++) {                                                             \
        if (pre_slots && pre_slots[k] >= 0) {                                                      \
            const float *row = pre_rows + (long)pre_slots[k] * pre_stride;                         \
            long j = 0;                                                                            \
            for (; j + 16 <= n; j += 16) FINISH16(nnlab_load(shift + j) + nnlab_load(row + j), k, j); \
            for (; j < n; j++) FINISH1(shift[j] + row[j], k, j);                                   \
            continue;                                                                              \
        }                                                                                          \
        long begin = starts[k], end = starts[k + 1], j = 0;                                        \
        for (; j + 64 <= n; j += 64) {                                                             \
            nnlab_v16 a0 = nnlab_load(shift + j), a1 = nnlab_load(shift + j + 16);                 \
            nnlab_v16 a2 = nnlab_load(shift + j + 32), a3 = nnlab_load(shift + j + 48);            \
            NNLAB_ACCUMULATE64(a0, a1, a2, a3, begin, end, NNLAB_READ_PACKED, g, g_stride, j)      \
            FINISH16(a0, k, j);                                                                    \
            FINISH16(a1, k, j + 16);                                                               \
            FINISH16(a2, k, j + 32);                                                               \
            FINISH16(a3, k, j + 48);                                                               \
        }                                                                                          \
        for (; j + 16 <= n; j += 16) {                                                             \
            nnlab_v16 a = nnlab_load(shift + j);                                                   \
            for (long e = begin; e < end; e++) {                                                   \
                uint32_t p = packed[e];                                                            \
                a = nnlab_fma(nnlab_splat(palette[p >> 16]), nnlab_load(g + (long)(p & 0xFFFF) * g_stride + j), a); \
            }                                                                                      \
            FINISH16(a, k, j);                                                                     \
        }                                                                                          \
        for (; j < n; j++) {                                                                       \
            float a = shift[j];                                                                    \
            for (long e = begin; e < end; e++) {                                                   \
                uint32_t p = packed[e];                                                            \
                a += palette[p >> 16] * g[(long)(p & 0xFFFF) * g_stride + j];                      \
            }                                                                                      \
            FINISH1(a, k, j);                                                                      \
        }                                                                                          \
    }
