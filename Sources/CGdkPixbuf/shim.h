#ifndef WINNOW_CGDKPIXBUF_SHIM_H
#define WINNOW_CGDKPIXBUF_SHIM_H
#include <gdk-pixbuf/gdk-pixbuf.h>

/// g_object_unref takes a gpointer; a typed wrapper keeps Swift call sites simple.
static inline void winnow_pixbuf_unref(GdkPixbuf *pixbuf) { if (pixbuf) g_object_unref(pixbuf); }
static inline void winnow_loader_unref(GdkPixbufLoader *loader) { if (loader) g_object_unref(loader); }
#endif
