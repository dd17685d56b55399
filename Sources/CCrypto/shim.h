// OpenSSL's libcrypto (Debian: libssl-dev): SHA-256, HMAC-SHA256 and a constant-time comparison.
// Only the one-shot calls that OpenSSL 3 does not deprecate are used (EVP_Digest, HMAC, CRYPTO_memcmp).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
