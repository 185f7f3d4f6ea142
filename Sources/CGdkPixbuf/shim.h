#ifndef WINNOW_CGDKPIXBUF_SHIM_H
#define WINNOW_CGDKPIXBUF_SHIM_H
#include <gdk-pixbuf/gdk-pixbuf.h>

/// g_object_unref takes a gpointer; a typed wrapper keeps Swift call sites simple.
static inline void winnow_pixbuf_unref(GdkPixbuf *pixbuf) { if (pixbuf) g_object_unref(pixbuf); }
static inline void winnow_loader_unref(GdkPixbufLoader *loader) { if (loader) g_object_unref(loader); }

/// Frees a GError (NULL-safe).
static inline void winnow_error_free(GError *error) { if (error) g_error_free(error); }

/// gdk_pixbuf_save is variadic (not callable from Swift): fixed-argument wrappers.
static inline gboolean winnow_pixbuf_save_jpeg(GdkPixbuf *pixbuf, const char *filename, int quality, GError **error) {
    char value[8];
    g_snprintf(value, sizeof value, "%d", quality);
    return gdk_pixbuf_save(pixbuf, filename, "jpeg", error, "quality", value, NULL);
}
/// Saves with a writer that takes no options ("png", "bmp", "tiff", "ico").
static inline gboolean winnow_pixbuf_save_plain(GdkPixbuf *pixbuf, const char *filename, const char *type, GError **error) {
    return gdk_pixbuf_save(pixbuf, filename, type, error, NULL);
}

/// Loads the loader table once (gdk_pixbuf_get_formats) so later threads only read it.
static inline void winnow_pixbuf_init_formats(void) {
    GSList *formats = gdk_pixbuf_get_formats();
    g_slist_free(formats);
}
#endif
