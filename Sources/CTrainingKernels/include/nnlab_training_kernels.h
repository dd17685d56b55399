// The optimizers' step rules as kernels, and those steps fused into the sparse first layer's weight-gradient
// product, built like CKernels (one body, a portable build, AVX2+FMA and AVX-512 on x86-64; the same numbers
// on every build). The formulas are NeuralNet's Optimizer.swift's.
#pragma once
#include <stdint.h>

// PyTorch's SGD: g ← g + λw;  v ← μv + g;  w ← w - η(g + μv) with Nesterov, w ← w - ηv otherwise
// (μ = 0: w ← w - η(g + λw), no velocity).
typedef struct nnlab_sgd_rule {
    float learning_rate, momentum, weight_decay;
    int nesterov;
} nnlab_sgd_rule;

// PyTorch's Adam, with step_size = η/(1-β₁ᵗ) and inverse_sqrt_correction = 1/√(1-β₂ᵗ) for step t:
// g ← g + λw;  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;  w ← w - step_size · m / (√v · inverse_sqrt_correction + ε).
typedef struct nnlab_adam_rule {
    float step_size, inverse_sqrt_correction, beta1, beta2, epsilon, weight_decay;
} nnlab_adam_rule;

// Where a fused step writes: W (rows `stride` apart) and its optimizer state in the same shape (SGD: velocity in
// state0 when μ ≠ 0; Adam: m in state0, v in state1); optionally Σ_k W_k of the new weights in `sums` (n
// values, zeroed first) and row k of the new W copied to row slots[k] of `copies` where slots[k] ≥ 0.
typedef struct nnlab_step_targets {
    float *weights, *state0, *state1;
    long stride;
    float *sums;
    const int32_t *slots;
    float *copies;
} nnlab_step_targets;

typedef struct nnlab_training_kernels {
    const char *name;
    // One step over n values in place, the gradient left zeroed.
    void (*sgd_step)(nnlab_sgd_rule rule, long n, float *weights, float *velocity, float *gradient);
    void (*adam_step)(nnlab_adam_rule rule, long n, float *weights, float *m, float *v, float *gradient);
    // CKernels' transpose_add, but each finished row k is W_k's gradient, which the rule applies at once to
    // row k of the targets: the gradient is never stored.
    void (*transpose_sgd)(long n, long count, const int32_t *starts, const uint32_t *packed, const float *palette,
                          const float *g, long g_stride, const float *shift, const int32_t *pre_slots,
                          const float *pre_rows, long pre_stride, nnlab_sgd_rule rule, const nnlab_step_targets *targets);
    void (*transpose_adam)(long n, long count, const int32_t *starts, const uint32_t *packed, const float *palette,
                           const float *g, long g_stride, const float *shift, const int32_t *pre_slots,
                           const float *pre_rows, long pre_stride, nnlab_adam_rule rule, const nnlab_step_targets *targets);
    // ReLU: y[i] = x[i] >= 0 ? x[i] : 0 (Swift's max(0, x): -0 stays -0, NaN becomes 0), and its backward:
    // dx[i] = x[i] > 0 ? g[i] : 0, for i < n.
    void (*relu_forward)(long n, const float *x, float *y);
    void (*relu_backward)(long n, const float *x, const float *g, float *dx);
    // A batch of a packed sparse set (SparseBatch.select): the rows picked[0..<count] of the set, whose row i has
    // the entries entries[starts[i]..<starts[i+1]], each column | code << 16, in the row form (row r's entries,
    // in order, are row_entries[row_starts[r]..<row_starts[r+1]]) and in the column form (column k's are
    // column_entries[column_starts[k]..<column_starts[k+1]], each the batch row r | code << 16, in order of r;
    // `width` columns). row_entries and column_entries hold the picked rows' entries.
    void (*gather_batch)(long count, const long *picked, const long *starts, const uint32_t *entries, long width,
                         long *row_starts, uint32_t *row_entries, int32_t *column_starts, uint32_t *column_entries);
    // The packed sparse rows of n rows of `width` bytes (SparseRows.fromBytes), in two parts: the columns
    // dense_columns[0..<dense_count] as a block of bytes, codes[i * dense_count + s] = row i's byte in column
    // dense_columns[s]; the columns sparse_columns[0..<sparse_count] (ascending) as entries: starts[i + 1] -
    // starts[i] is the number of bytes of row i other than `background` in those columns (starts[0] = 0), and
    // with `entries` (NULL: count only), those bytes in order as column | byte << 16 at entries[starts[i]...].
    // entries holds starts[n] + 1 values.
    void (*sparse_rows_from_bytes)(long n, long width, const uint8_t *bytes, uint8_t background,
                                   const int32_t *sparse_columns, long sparse_count, const int32_t *dense_columns,
                                   long dense_count, long *starts, uint32_t *entries, uint8_t *codes);
} nnlab_training_kernels;

// The kernels built for `isa` (CKernels' NNLAB_ISA_*), or NULL where this build has none.
const nnlab_training_kernels *nnlab_training_kernels_for(int isa);
