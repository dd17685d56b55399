#include "nnlab_platform.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// XCR0: which register state the OS saves on a context switch (bits 1-2: XMM/YMM; 5-7: opmask and ZMM).
static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

uint32_t nnlab_cpu_features(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    uint32_t f = 0;
    if (d & bit_SSE2) f |= NNLAB_CPU_SSE2;
    uint64_t state = (c & bit_OSXSAVE) ? xcr0() : 0;
    int ymm = (state & 0x6) == 0x6, zmm = ymm && (state & 0xE0) == 0xE0;
    if (ymm && (c & bit_AVX)) f |= NNLAB_CPU_AVX;
    if (ymm && (c & bit_FMA)) f |= NNLAB_CPU_FMA;
    if (__get_cpuid_max(0, 0) >= 7) {
        unsigned max7;
        __cpuid_count(7, 0, max7, b, c, d);
        if (ymm && (b & bit_AVX2)) f |= NNLAB_CPU_AVX2;
        if (zmm) {
            if (b & bit_AVX512F) f |= NNLAB_CPU_AVX512F;
            if (b & bit_AVX512BW) f |= NNLAB_CPU_AVX512BW;
            if (b & bit_AVX512VL) f |= NNLAB_CPU_AVX512VL;
            if (b & bit_AVX512DQ) f |= NNLAB_CPU_AVX512DQ;
            if (b & bit_AVX512CD) f |= NNLAB_CPU_AVX512CD;
            if (max7 >= 1) {
                __cpuid_count(7, 1, a, b, c, d);
                if (a & (1u << 5)) f |= NNLAB_CPU_AVX512BF16;
            }
        }
    }
    return f;
}

void nnlab_cpu_brand(char *out, int size) {
    if (size <= 0) return;
    out[0] = 0;
    unsigned regs[12];
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return;
    for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    char text[49];
    memcpy(text, regs, 48);
    text[48] = 0;
    const char *start = text;
    while (*start == ' ') start++;
    int n = (int)strlen(start);
    while (n > 0 && start[n - 1] == ' ') n--;
    if (n > size - 1) n = size - 1;
    memcpy(out, start, (size_t)n);
    out[n] = 0;
}
#else
uint32_t nnlab_cpu_features(void) {
#if defined(__aarch64__)
    return NNLAB_CPU_NEON;
#else
    return 0;
#endif
}

void nnlab_cpu_brand(char *out, int size) {
    if (size > 0) out[0] = 0;
}
#endif
