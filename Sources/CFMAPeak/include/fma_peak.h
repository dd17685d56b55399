// The fp32 limit of one core, measured for nnlab-bench: fused multiply-adds on registers only, in chains
// independent enough to keep every FMA unit busy.
#pragma once

// GFLOP/s (2 per lane per FMA) with vectors of `bits` (512, 256 or 128), or 0 when this CPU lacks them.
double nnlab_fma_peak_gflops(int bits);
