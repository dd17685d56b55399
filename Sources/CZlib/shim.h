// zlib (Debian: zlib1g-dev), for reading and writing .gz files.
#include <zlib.h>
