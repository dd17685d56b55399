// The fp32 limit of one core, measured for nnlab-bench: fused multiply-adds on registers only, in chains
// independent enough to keep every FMA unit busy.
#pragma once

// GFLOP/s (2 per lane per FMA) with vectors of `bits` (512, 256 or 128), or 0 when this CPU lacks them.
double nnlab_fma_peak_gflops(int bits);

// Sets this thread's floating-point mode to flush denormal results and inputs to zero (x86-64: MXCSR's FTZ and
// DAZ; threads created afterwards inherit it); returns 0, or -1 where this is not done. For the benchmark's
// --flush-denormals only: it changes the numbers, and shows what denormal arithmetic costs on this CPU.
int nnlab_flush_denormals(void);
