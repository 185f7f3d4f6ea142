#ifndef WINNOW_CLIBCRYPTO_SHIM_H
#define WINNOW_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
