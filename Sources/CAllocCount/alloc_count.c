// malloc/calloc/realloc defined in the executable take the place of libc's for the whole process (shared
// libraries included: the Swift runtime allocates through malloc). Each counts, then calls glibc's own.
#include <stddef.h>
#include <stdatomic.h>
#include "alloc_count.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

static atomic_long allocations;

void *malloc(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(pointer, size);
}

long nnlab_allocation_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
