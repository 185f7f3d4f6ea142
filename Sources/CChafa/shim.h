#ifndef WINNOW_CCHAFA_SHIM_H
#define WINNOW_CCHAFA_SHIM_H
#include <chafa.h>
#endif
