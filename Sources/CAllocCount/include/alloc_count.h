// Counts the process's calls to malloc, calloc and realloc (for nnlab-bench only: it defines these functions,
// so linking it into an executable routes that process's allocations through the counter).
#pragma once
long nnlab_allocation_count(void);
