/* file.h: reading a whole file, with errors that say why. */
#ifndef CUTOVER_COMMON_FILE_H
#define CUTOVER_COMMON_FILE_H

#include <stddef.h>

/* Reads a regular file (at most max bytes; 0 = 64 MiB) into a NUL-terminated buffer the caller
 * frees; *len (may be NULL) gets its size. NULL with errno set on failure: EISDIR for a
 * directory, EFBIG when too large, or what open/read said. */
char *co_read_file(const char *path, size_t max, size_t *len);

#endif
