// NeuralNet's kernels, one build of them: included by training_kernels.c once per instruction set. The rules
// are Optimizer.swift's formulas, operation for operation, 16 lanes or one at a time.

// An optimizer's state (SGD's velocity, Adam's m and v) is stored with its subnormal values (0 < |x| < FLT_MIN)
// made +0. Left alone they stay forever where a weight's gradient stops: m ← 0.9 m rounds a few multiples of the
// smallest subnormal back to themselves, so the moments of a ReLU unit that died are subnormal at every step after
// (44% of the lab MLP's 16-lane Adam vectors held one over 5 epochs), and on Intel CPUs each operation on one is a
// microcode assist of ~150 cycles. The weights are the same bit for bit as without the flush: the step such a
// value makes, η·x or η'·m/(√v̂+ε) with ε = 1e-8, is under 1e-30 and moves no weight larger than about 1e-23.
// NaN and infinities are kept (|x| < FLT_MIN is false for them).
NNLAB_INLINE nnlab_v16 NNLAB_NAME(flush16)(nnlab_v16 x) {
    typedef int32_t bits16 __attribute__((ext_vector_type(16)));
    bits16 tiny = __builtin_elementwise_abs(x) < nnlab_splat(FLT_MIN);
    return (nnlab_v16)((bits16)x & ~tiny);
}

NNLAB_INLINE float NNLAB_NAME(flush1)(float x) { return __builtin_fabsf(x) < FLT_MIN ? 0.0f : x; }

// SGD on 16 weights at w (velocities at v, NULL without momentum) with gradient g; the new weights.
NNLAB_INLINE nnlab_v16 NNLAB_NAME(sgd16)(nnlab_sgd_rule r, nnlab_v16 g, float *w, float *v) {
    nnlab_v16 lr = nnlab_splat(r.learning_rate), wd = nnlab_splat(r.weight_decay), wv = nnlab_load(w);
    if (v) {
        nnlab_v16 mu = nnlab_splat(r.momentum);
        if (r.nesterov) {
            nnlab_v16 gi = g + wd * wv;
            nnlab_v16 vi = NNLAB_NAME(flush16)(mu * nnlab_load(v) + gi);
            nnlab_store(vi, v);
            wv -= lr * (gi + mu * vi);
        } else {
            nnlab_v16 vi = NNLAB_NAME(flush16)(mu * nnlab_load(v) + g + wd * wv);
            nnlab_store(vi, v);
            wv -= lr * vi;
        }
    } else {
        wv -= lr * (g + wd * wv);
    }
    nnlab_store(wv, w);
    return wv;
}

NNLAB_INLINE float NNLAB_NAME(sgd1)(nnlab_sgd_rule r, float g, float *w, float *v) {
    float lr = r.learning_rate, wd = r.weight_decay, wv = *w;
    if (v) {
        float mu = r.momentum;
        if (r.nesterov) {
            float gi = g + wd * wv;
            float vi = NNLAB_NAME(flush1)(mu * *v + gi);
            *v = vi;
            wv -= lr * (gi + mu * vi);
        } else {
            float vi = NNLAB_NAME(flush1)(mu * *v + g + wd * wv);
            *v = vi;
            wv -= lr * vi;
        }
    } else {
        wv -= lr * (g + wd * wv);
    }
    *w = wv;
    return wv;
}

NNLAB_INLINE nnlab_v16 NNLAB_NAME(adam16)(nnlab_adam_rule r, nnlab_v16 g, float *w, float *m, float *v) {
    nnlab_v16 wv = nnlab_load(w);
    nnlab_v16 gi = g + nnlab_splat(r.weight_decay) * wv;
    nnlab_v16 mi = NNLAB_NAME(flush16)(nnlab_splat(r.beta1) * nnlab_load(m) + nnlab_splat(1 - r.beta1) * gi);
    nnlab_v16 vi = NNLAB_NAME(flush16)(nnlab_splat(r.beta2) * nnlab_load(v) + nnlab_splat(1 - r.beta2) * gi * gi);
    nnlab_store(mi, m);
    nnlab_store(vi, v);
    wv -= nnlab_splat(r.step_size) * mi
        / (__builtin_elementwise_sqrt(vi) * nnlab_splat(r.inverse_sqrt_correction) + nnlab_splat(r.epsilon));
    nnlab_store(wv, w);
    return wv;
}

NNLAB_INLINE float NNLAB_NAME(adam1)(nnlab_adam_rule r, float g, float *w, float *m, float *v) {
    float wv = *w;
    float gi = g + r.weight_decay * wv;
    float mi = NNLAB_NAME(flush1)(r.beta1 * *m + (1 - r.beta1) * gi);
    float vi = NNLAB_NAME(flush1)(r.beta2 * *v + (1 - r.beta2) * gi * gi);
    *m = mi;
    *v = vi;
    wv -= r.step_size * mi / (__builtin_sqrtf(vi) * r.inverse_sqrt_correction + r.epsilon);
    *w = wv;
    return wv;
}

static void NNLAB_NAME(sgd_step)(nnlab_sgd_rule rule, long n, float *weights, float *velocity, float *gradient) {
    float *v = rule.momentum != 0 ? velocity : 0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        NNLAB_NAME(sgd16)(rule, nnlab_load(gradient + i), weights + i, v ? v + i : 0);
        nnlab_store(nnlab_splat(0), gradient + i);
    }
    for (; i < n; i++) {
        NNLAB_NAME(sgd1)(rule, gradient[i], weights + i, v ? v + i : 0);
        gradient[i] = 0;
    }
}

static void NNLAB_NAME(adam_step)(nnlab_adam_rule rule, long n, float *weights, float *m, float *v, float *gradient) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        NNLAB_NAME(adam16)(rule, nnlab_load(gradient + i), weights + i, m + i, v + i);
        nnlab_store(nnlab_splat(0), gradient + i);
    }
    for (; i < n; i++) {
        NNLAB_NAME(adam1)(rule, gradient[i], weights + i, m + i, v + i);
        gradient[i] = 0;
    }
}

// After stepping row k's lanes from column j: add the new weights into the sums, copy them where asked.
#define NNLAB_KEEP16(w, k, j)                                                                      \
    do {                                                                                           \
        if (t->sums) nnlab_store(nnlab_load(t->sums + (j)) + (w), t->sums + (j));                  \
        if (t->slots && t->slots[k] >= 0) nnlab_store((w), t->copies + (long)t->slots[k] * t->stride + (j)); \
    } while (0)
#define NNLAB_KEEP1(w, k, j)                                                                       \
    do {                                                                                           \
        if (t->sums) t->sums[j] += (w);                                                            \
        if (t->slots && t->slots[k] >= 0) t->copies[(long)t->slots[k] * t->stride + (j)] = (w);    \
    } while (0)

static void NNLAB_NAME(transpose_sgd)(long n, long count, const int32_t *starts, const uint32_t *packed,
                                      const float *palette, const float *g, long g_stride, const float *shift,
                                      const int32_t *pre_slots, const float *pre_rows, long pre_stride,
                                      nnlab_sgd_rule rule, const nnlab_step_targets *t) {
    if (t->sums) memset(t->sums, 0, (size_t)n * sizeof(float));
    float *velocity = rule.momentum != 0 ? t->state0 : 0;
#define STEP16(a, k, j)                                                                            \
    do {                                                                                           \
        long at_ = (k) * t->stride + (j);                                                          \
        nnlab_v16 w_ = NNLAB_NAME(sgd16)(rule, (a), t->weights + at_, velocity ? velocity + at_ : 0); \
        NNLAB_KEEP16(w_, k, j);                                                                    \
    } while (0)
#define STEP1(a, k, j)                                                                             \
    do {                                                                                           \
        long at_ = (k) * t->stride + (j);                                                          \
        float w_ = NNLAB_NAME(sgd1)(rule, (a), t->weights + at_, velocity ? velocity + at_ : 0);   \
        NNLAB_KEEP1(w_, k, j);                                                                     \
    } while (0)
    NNLAB_TRANSPOSE_ROWS(STEP16, STEP1)
#undef STEP16
#undef STEP1
}

static void NNLAB_NAME(transpose_adam)(long n, long count, const int32_t *starts, const uint32_t *packed,
                                       const float *palette, const float *g, long g_stride, const float *shift,
                                       const int32_t *pre_slots, const float *pre_rows, long pre_stride,
                                       nnlab_adam_rule rule, const nnlab_step_targets *t) {
    if (t->sums) memset(t->sums, 0, (size_t)n * sizeof(float));
#define STEP16(a, k, j)                                                                            \
    do {                                                                                           \
        long at_ = (k) * t->stride + (j);                                                          \
        nnlab_v16 w_ = NNLAB_NAME(adam16)(rule, (a), t->weights + at_, t->state0 + at_, t->state1 + at_); \
        NNLAB_KEEP16(w_, k, j);                                                                    \
    } while (0)
#define STEP1(a, k, j)                                                                             \
    do {                                                                                           \
        long at_ = (k) * t->stride + (j);                                                          \
        float w_ = NNLAB_NAME(adam1)(rule, (a), t->weights + at_, t->state0 + at_, t->state1 + at_); \
        NNLAB_KEEP1(w_, k, j);                                                                     \
    } while (0)
    NNLAB_TRANSPOSE_ROWS(STEP16, STEP1)
#undef STEP16
#undef STEP1
}

#undef NNLAB_KEEP16
#undef NNLAB_KEEP1

// Vectors of 16 bit masks, for selecting lanes without a branch.
typedef int32_t NNLAB_NAME(mask16) __attribute__((ext_vector_type(16)));

static void NNLAB_NAME(relu_forward)(long n, const float *x, float *y) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        nnlab_v16 v = nnlab_load(x + i);
        NNLAB_NAME(mask16) keep = v >= nnlab_splat(0);
        nnlab_store((nnlab_v16)((NNLAB_NAME(mask16))v & keep), y + i);
    }
    for (; i < n; i++) y[i] = x[i] >= 0 ? x[i] : 0;
}

static void NNLAB_NAME(relu_backward)(long n, const float *x, const float *g, float *dx) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        NNLAB_NAME(mask16) pass = nnlab_load(x + i) > nnlab_splat(0);
        nnlab_store((nnlab_v16)((NNLAB_NAME(mask16))nnlab_load(g + i) & pass), dx + i);
    }
    for (; i < n; i++) dx[i] = x[i] > 0 ? g[i] : 0;
}

static void NNLAB_NAME(gather_batch)(long count, const long *picked, const long *starts, const uint32_t *entries,
                                     long width, long *row_starts, uint32_t *row_entries, int32_t *column_starts,
                                     uint32_t *column_entries) {
    // The picked rows are scattered over the whole set and come from memory: ask for all their lines first,
    // so that the misses overlap instead of coming one after another.
    for (long r = 0; r < count; r++) {
        for (long e = starts[picked[r]]; e < starts[picked[r] + 1]; e += 16) __builtin_prefetch(entries + e);
    }
    long next = 0;
    row_starts[0] = 0;
    for (long r = 0; r < count; r++) {
        long begin = starts[picked[r]], n = starts[picked[r] + 1] - begin;
        memcpy(row_entries + next, entries + begin, (size_t)n * sizeof(uint32_t));
        next += n;
        row_starts[r + 1] = next;
    }
    // The row form regrouped by column (a counting sort): count per column (shifted by one), prefix-sum, place
    // each entry at its column's cursor; the cursors end at the next column's start, so shift them back.
    memset(column_starts, 0, (size_t)(width + 1) * sizeof(int32_t));
    for (long e = 0; e < next; e++) column_starts[(row_entries[e] & 0xFFFF) + 1]++;
    for (long k = 0; k < width; k++) column_starts[k + 1] += column_starts[k];
    for (long r = 0; r < count; r++) {
        for (long e = row_starts[r]; e < row_starts[r + 1]; e++) {
            uint32_t entry = row_entries[e];
            column_entries[column_starts[entry & 0xFFFF]++] = (uint32_t)r | (entry & 0xFFFF0000u);
        }
    }
    memmove(column_starts + 1, column_starts, (size_t)width * sizeof(int32_t));
    column_starts[0] = 0;
}

static void NNLAB_NAME(sparse_rows_from_bytes)(long n, long width, const uint8_t *bytes, uint8_t background,
                                               const int32_t *sparse_columns, long sparse_count,
                                               const int32_t *dense_columns, long dense_count, long *starts,
                                               uint32_t *entries, uint8_t *codes) {
    starts[0] = 0;
    for (long i = 0; i < n; i++) {
        const uint8_t *row = bytes + i * width;
        long e = starts[i];
        if (entries) {
            // Every byte is written; only ink moves the cursor on (no branch per byte).
            for (long t = 0; t < sparse_count; t++) {
                long k = sparse_columns[t];
                entries[e] = (uint32_t)k | (uint32_t)row[k] << 16;
                e += row[k] != background;
            }
            uint8_t *out = codes + i * dense_count;
            for (long s = 0; s < dense_count; s++) out[s] = row[dense_columns[s]];
        } else {
            for (long t = 0; t < sparse_count; t++) e += row[sparse_columns[t]] != background;
        }
        starts[i + 1] = e;
    }
}

static const nnlab_training_kernels NNLAB_NAME(training_kernels) = {
    .name = NNLAB_ISA_NAME,
    .sgd_step = NNLAB_NAME(sgd_step),
    .adam_step = NNLAB_NAME(adam_step),
    .transpose_sgd = NNLAB_NAME(transpose_sgd),
    .transpose_adam = NNLAB_NAME(transpose_adam),
    .relu_forward = NNLAB_NAME(relu_forward),
    .relu_backward = NNLAB_NAME(relu_backward),
    .gather_batch = NNLAB_NAME(gather_batch),
    .sparse_rows_from_bytes = NNLAB_NAME(sparse_rows_from_bytes),
};
