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

static const nnlab_tensor_kernels NNLAB_NAME(tensor_kernels) = {
    .name = NNLAB_ISA_NAME,
    .row_combination_packed = NNLAB_NAME(row_combination_packed),
    .row_combination_separate = NNLAB_NAME(row_combination_separate),
    .transpose_add = NNLAB_NAME(transpose_add),
    .add_rows = NNLAB_NAME(add_rows),
    .expand_rows = NNLAB_NAME(expand_rows),
    .bytes_to_floats = NNLAB_NAME(bytes_to_floats),
};
