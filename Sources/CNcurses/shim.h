#ifndef WINNOW_CNCURSES_SHIM_H
#define WINNOW_CNCURSES_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so ask for the wide API explicitly.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

int wcwidth(wchar_t c);

// Macros and globals that Swift cannot import (or imports as unsafe globals).
static inline WINDOW *winnow_stdscr(void) { return stdscr; }
static inline int winnow_lines(void) { return LINES; }
static inline int winnow_cols(void) { return COLS; }
static inline int winnow_colors(void) { return COLORS; }
static inline int winnow_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t winnow_a_normal(void) { return A_NORMAL; }
static inline attr_t winnow_a_bold(void) { return A_BOLD; }
static inline attr_t winnow_a_underline(void) { return A_UNDERLINE; }
static inline attr_t winnow_a_reverse(void) { return A_REVERSE; }
static inline attr_t winnow_a_dim(void) { return A_DIM; }
static inline attr_t winnow_a_italic(void) { return A_ITALIC; }
static inline int winnow_key_resize(void) { return KEY_RESIZE; }

/// Sets one cell: a spacing character plus combining characters (NUL-terminated, at most
/// CCHARW_MAX), with attributes and an extended colour pair (pairs above 32767 need `opts`).
static inline int winnow_put_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

/// Fills one cell of a row for `winnow_put_row` (same arguments as `winnow_put_cell`).
static inline int winnow_set_cell(cchar_t *cell, const wchar_t *text, attr_t attrs, int pair) {
    return setcchar(cell, text, attrs, 0, &pair);
}

/// Copies `count` prepared cells into a window row from column `x`, without wrapping or
/// per-character processing. Each two-column character takes one entry; ncurses fills its
/// right half.
static inline int winnow_put_row(WINDOW *win, int y, int x, const cchar_t *cells, int count) {
    return mvwadd_wchnstr(win, y, x, cells, count);
}

/// Reads back the cell at (y, x) of a window: its characters (NUL-terminated, `text` holds
/// CCHARW_MAX + 1) and colour pair. For tests.
static inline int winnow_get_cell(WINDOW *win, int y, int x, wchar_t *text, int *pair) {
    cchar_t cell;
    attr_t attrs;
    short shortPair;
    if (mvwin_wch(win, y, x, &cell) != OK) return ERR;
    return getcchar(&cell, text, &attrs, &shortPair, pair);
}

static inline int winnow_ccharw_max(void) { return CCHARW_MAX; }
#endif
