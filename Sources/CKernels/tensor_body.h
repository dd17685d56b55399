// TensorCore's kernels, one build of them: included by kernels.c once per instruction set, with NNLAB_ISA
// naming the build. Mirrors of the reference loops in Kernels.swift's documentation, operation for operation.

#define NNLAB_ROW_COMBINATION(READ)                                                                \
    long j = 0;                                                                                    \
    for (; j + 64 <= n; j += 64) {                                                                 \
        nnlab_v16 a0 = nnlab_load(base + j), a1 = nnlab_load(base + j + 16);                       \
        nnlab_v16 a2 = nnlab_load(base + j + 32), a3 = nnlab_load(base + j + 48);                  \
        NNLAB_ACCUMULATE64(a0, a1, a2, a3, begin, end, READ, rows, stride, j)                      \
        nnlab_store(a0, out + j);                                                                  \
        nnlab_store(a1, out + j + 16);                                                             \
        nnlab_store(a2, out + j + 32);                                                             \
        nnlab_store(a3, out + j + 48);                                                             \
    }                                                                                              \
    for (; j + 16 <= n; j += 16) {                                                                 \
        nnlab_v16 a = nnlab_load(base + j);                                                        \
        for (long e = begin; e < end; e++) {                                                       \
            long index;                                                                            \
            float value;                                                                           \
            READ(e, index, value);                                                                 \
            a = nnlab_fma(nnlab_splat(value), nnlab_load(rows + index * stride + j), a);           \
        }                                                                                          \
        nnlab_store(a, out + j);                                                                   \
    }                                                                                              \
    for (; j < n; j++) {                                                                           \
        float s = base[j];                                                                         \
        for (long e = begin; e < end; e++) {                                                       \
            long index;                                                                            \
            float value;                                                                           \
            READ(e, index, value);                                                                 \
            s += value * rows[index * stride + j];                                                 \
        }                                                                                          \
        out[j] = s;                                                                                \
    }

static void NNLAB_NAME(row_combination_packed)(long n, const float *base, long begin, long end, const uint32_t *packed,
                                               const float *palette, const float *rows, long stride, float *out) {
    NNLAB_ROW_COMBINATION(NNLAB_READ_PACKED)
}

static void NNLAB_NAME(row_combination_separate)(long n, const float *base, long begin, long end, const int32_t *indices,
                                                 const float *values, const float *rows, long stride, float *out) {
    NNLAB_ROW_COMBINATION(NNLAB_READ_SEPARATE)
}

#undef NNLAB_ROW_COMBINATION

static void NNLAB_NAME(transpose_add)(long n, long count, const int32_t *starts, const uint32_t *packed,
                                      const float *palette, const float *g, long g_stride, const float *shift,
                                      const int32_t *pre_slots, const float *pre_rows, long pre_stride,
                                      float *target, long stride) {
#define ADD16(a, k, j) do { float *t_ = target + (k) * stride + (j); nnlab_store(nnlab_load(t_) + (a), t_); } while (0)
#define ADD1(a, k, j) (target[(k) * stride + (j)] += (a))
    NNLAB_TRANSPOSE_ROWS(ADD16, ADD1)
#undef ADD16
#undef ADD1
}

static void NNLAB_NAME(add_rows)(long n, long count, const float *x, long stride, float *y) {
    long j = 0;
    // 64 lanes of y stay in registers while the rows go by.
    for (; j + 64 <= n; j += 64) {
        nnlab_v16 a0 = nnlab_load(y + j), a1 = nnlab_load(y + j + 16), a2 = nnlab_load(y + j + 32), a3 = nnlab_load(y + j + 48);
        for (long r = 0; r < count; r++) {
            const float *row = x + r * stride + j;
            a0 += nnlab_load(row);
            a1 += nnlab_load(row + 16);
            a2 += nnlab_load(row + 32);
            a3 += nnlab_load(row + 48);
        }
        nnlab_store(a0, y + j);
        nnlab_store(a1, y + j + 16);
        nnlab_store(a2, y + j + 32);
        nnlab_store(a3, y + j + 48);
    }
    for (; j + 16 <= n; j += 16) {
        nnlab_v16 a = nnlab_load(y + j);
        for (long r = 0; r < count; r++) a += nnlab_load(x + r * stride + j);
        nnlab_store(a, y + j);
    }
    for (; j < n; j++) {
        float a = y[j];
        for (long r = 0; r < count; r++) a += x[r * stride + j];
        y[j] = a;
    }
}

static void NNLAB_NAME(expand_rows)(long rows, const long *picked, const uint8_t *codes, long width,
                                    const float *palette, const float *affine, float *out) {
    // The rows are scattered over the whole set: ask for all their lines first, so that the misses overlap.
    for (long r = 0; r < rows; r++) {
        const uint8_t *c = codes + picked[r] * width;
        for (long j = 0; j < width; j += 64) __builtin_prefetch(c + j);
        if (width > 0) __builtin_prefetch(c + width - 1);
    }
    for (long r = 0; r < rows; r++) {
        const uint8_t *c = codes + picked[r] * width;
        float *o = out + r * width;
        if (affine) {
            float scale = affine[0], shift = affine[1], subtract = affine[2];
            long j = 0;
            for (; j + 16 <= width; j += 16) {
                nnlab_u8x16 b;
                memcpy(&b, c + j, 16);
                nnlab_v16 v = __builtin_convertvector(b, nnlab_v16);
                v = v * nnlab_splat(scale);
                v = v + nnlab_splat(shift);
                v = v - nnlab_splat(subtract);
                nnlab_store(v, o + j);
            }
            for (; j < width; j++) o[j] = ((float)c[j] * scale + shift) - subtract;
        } else {
            for (long j = 0; j < width; j++) o[j] = palette[c[j]];
        }
    }
}

static void NNLAB_NAME(bytes_to_floats)(long count, const uint8_t *bytes, float scale, float shift, float *out) {
    for (long i = 0; i < count; i++) out[i] = (float)bytes[i] * scale + shift;
}

// The two products of the sparse first layer's dense block, as one loop: c[i][j] ← c0 + Σ_{p<k} A(i, p) · b[p][j]
// with A(i, p) = a[i * a_row + p * a_col] (a itself, or a transposed) and c0 = c[i][j] (`accumulate`) or 0.
// Each output value is a chain of fused multiply-adds in the order of p, whichever path (tile shape) computes
// it. A tile's sums stay in registers while the rows of b go by.
#define NNLAB_TILE_FMA(x, row, r)                                                                   \
    acc##r##0 = nnlab_fma(x, row##0, acc##r##0);                                                   \
    acc##r##1 = nnlab_fma(x, row##1, acc##r##1);                                                   \
    acc##r##2 = nnlab_fma(x, row##2, acc##r##2);                                                   \
    acc##r##3 = nnlab_fma(x, row##3, acc##r##3);
#define NNLAB_TILE_DECLARE(r)                                                                      \
    nnlab_v16 acc##r##0 = START(r, 0), acc##r##1 = START(r, 16), acc##r##2 = START(r, 32), acc##r##3 = START(r, 48);
#define NNLAB_TILE_STORE(r)                                                                        \
    nnlab_store(acc##r##0, c + (i + r) * ldc + j);                                                 \
    nnlab_store(acc##r##1, c + (i + r) * ldc + j + 16);                                            \
    nnlab_store(acc##r##2, c + (i + r) * ldc + j + 32);                                            \
    nnlab_store(acc##r##3, c + (i + r) * ldc + j + 48);
#define START(r, q) (accumulate ? nnlab_load(c + (i + r) * ldc + j + (q)) : nnlab_splat(0))

static void NNLAB_NAME(tile_product)(long m, long n, long k, const float *a, long a_row, long a_col, const float *b,
                                     long ldb, float *c, long ldc, int accumulate) {
    long j = 0;
    // 4 x 64 tiles where the build has 32 vector registers (16 sums and the row in registers); else 6 x 16.
    for (; NNLAB_WIDE_REGISTERS && j + 64 <= n; j += 64) {
        long i = 0;
        for (; i + 4 <= m; i += 4) {
            NNLAB_TILE_DECLARE(0) NNLAB_TILE_DECLARE(1) NNLAB_TILE_DECLARE(2) NNLAB_TILE_DECLARE(3)
            const float *x = a + i * a_row;
            for (long p = 0; p < k; p++, x += a_col) {
                const float *row = b + p * ldb + j;
                nnlab_v16 row0 = nnlab_load(row), row1 = nnlab_load(row + 16), row2 = nnlab_load(row + 32), row3 = nnlab_load(row + 48);
                nnlab_v16 x0 = nnlab_splat(x[0]), x1 = nnlab_splat(x[a_row]);
                nnlab_v16 x2 = nnlab_splat(x[2 * a_row]), x3 = nnlab_splat(x[3 * a_row]);
                NNLAB_TILE_FMA(x0, row, 0) NNLAB_TILE_FMA(x1, row, 1) NNLAB_TILE_FMA(x2, row, 2) NNLAB_TILE_FMA(x3, row, 3)
            }
            NNLAB_TILE_STORE(0) NNLAB_TILE_STORE(1) NNLAB_TILE_STORE(2) NNLAB_TILE_STORE(3)
        }
        for (; i < m; i++) {
            NNLAB_TILE_DECLARE(0)
            const float *x = a + i * a_row;
            for (long p = 0; p < k; p++, x += a_col) {
                const float *row = b + p * ldb + j;
                nnlab_v16 row0 = nnlab_load(row), row1 = nnlab_load(row + 16), row2 = nnlab_load(row + 32), row3 = nnlab_load(row + 48);
                nnlab_v16 x0 = nnlab_splat(x[0]);
                NNLAB_TILE_FMA(x0, row, 0)
            }
            NNLAB_TILE_STORE(0)
        }
    }
    for (; j + 16 <= n; j += 16) {
        long i = 0;
        for (; i + 6 <= m; i += 6) {
            float *c0 = c + i * ldc + j;
            nnlab_v16 s0 = START(0, 0), s1 = START(1, 0), s2 = START(2, 0), s3 = START(3, 0), s4 = START(4, 0), s5 = START(5, 0);
            const float *x = a + i * a_row;
            for (long p = 0; p < k; p++, x += a_col) {
                nnlab_v16 row = nnlab_load(b + p * ldb + j);
                s0 = nnlab_fma(nnlab_splat(x[0]), row, s0);
                s1 = nnlab_fma(nnlab_splat(x[a_row]), row, s1);
                s2 = nnlab_fma(nnlab_splat(x[2 * a_row]), row, s2);
                s3 = nnlab_fma(nnlab_splat(x[3 * a_row]), row, s3);
                s4 = nnlab_fma(nnlab_splat(x[4 * a_row]), row, s4);
                s5 = nnlab_fma(nnlab_splat(x[5 * a_row]), row, s5);
            }
            nnlab_store(s0, c0); nnlab_store(s1, c0 + ldc); nnlab_store(s2, c0 + 2 * ldc);
            nnlab_store(s3, c0 + 3 * ldc); nnlab_store(s4, c0 + 4 * ldc); nnlab_store(s5, c0 + 5 * ldc);
        }
        for (; i < m; i++) {
            nnlab_v16 acc = START(0, 0);
            const float *x = a + i * a_row;
            for (long p = 0; p < k; p++, x += a_col) acc = nnlab_fma(nnlab_splat(x[0]), nnlab_load(b + p * ldb + j), acc);
            nnlab_store(acc, c + i * ldc + j);
        }
    }
    for (; j < n; j++) {
        for (long i = 0; i < m; i++) {
            float acc = accumulate ? c[i * ldc + j] : 0;
            for (long p = 0; p < k; p++) acc = __builtin_fmaf(a[i * a_row + p * a_col], b[p * ldb + j], acc);
            c[i * ldc + j] = acc;
        }
    }
}

static void NNLAB_NAME(block_times)(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                                    float *c, long ldc) {
    NNLAB_NAME(tile_product)(m, n, k, a, lda, 1, b, ldb, c, ldc, 1);
}

static void NNLAB_NAME(block_transpose_times)(long m, long n, long k, const float *a, long lda, const float *d,
                                              long ldd, float *g, long ldg) {
    NNLAB_NAME(tile_product)(m, n, k, a, 1, lda, d, ldd, g, ldg, 0);
}

#undef START
#undef NNLAB_TILE_FMA
#undef NNLAB_TILE_DECLARE
#undef NNLAB_TILE_STORE

static const nnlab_tensor_kernels NNLAB_NAME(tensor_kernels) = {
    .name = NNLAB_ISA_NAME,
    .row_combination_packed = NNLAB_NAME(row_combination_packed),
    .row_combination_separate = NNLAB_NAME(row_combination_separate),
    .transpose_add = NNLAB_NAME(transpose_add),
    .add_rows = NNLAB_NAME(add_rows),
    .expand_rows = NNLAB_NAME(expand_rows),
    .block_times = NNLAB_NAME(block_times),
    .block_transpose_times = NNLAB_NAME(block_transpose_times),
    .bytes_to_floats = NNLAB_NAME(bytes_to_floats),
};
