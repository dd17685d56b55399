#define _GNU_SOURCE  // dladdr
#include "nnlab_platform.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

// The CBLAS constants (cblas.h): row-major order, no transpose, transpose.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
static sgemm_fn sgemm;
static char *(*corename)(void);
static char *(*config)(void);
static char path[512];
static char error[512];

int nnlab_blas_load(const char *core) {
    if (sgemm) return 0;
    const char *user = getenv("OPENBLAS_CORETYPE");
    int asked = core != NULL && (user == NULL || user[0] == 0);
    if (asked) setenv("OPENBLAS_CORETYPE", core, 1);
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    void *library = NULL;
    for (unsigned i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (library == NULL && i == 0) {
            const char *e = dlerror();
            strncpy(error, e ? e : "", sizeof error - 1);
        }
    }
    if (asked) unsetenv("OPENBLAS_CORETYPE");
    if (library == NULL) return -1;
    sgemm = (sgemm_fn)dlsym(library, "cblas_sgemm");
    if (sgemm == NULL) {
        strncpy(error, "the library has no cblas_sgemm", sizeof error - 1);
        return -2;
    }
    corename = (char *(*)(void))dlsym(library, "openblas_get_corename");
    config = (char *(*)(void))dlsym(library, "openblas_get_config");
    // One thread per product: the products of these models are small, and nnlab has a thread of its own.
    void (*threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
    if (threads) threads(1);
    Dl_info info;
    if (dladdr((void *)sgemm, &info) && info.dli_fname) strncpy(path, info.dli_fname, sizeof path - 1);
    error[0] = 0;
    return 0;
}

void nnlab_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *nnlab_blas_corename(void) {
    const char *name = corename ? corename() : NULL;
    return name ? name : "";
}

const char *nnlab_blas_config(void) {
    const char *text = config ? config() : NULL;
    return text ? text : "";
}

const char *nnlab_blas_path(void) { return path; }
const char *nnlab_blas_error(void) { return error; }
