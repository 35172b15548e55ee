/* file.c: reading whole files. */
#include "common/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

char *co_read_file(const char *path, size_t max, size_t *len)
{
    if (!max)
        max = 64u << 20;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        fclose(fp);
        errno = e;
        return NULL;
    }
    size_t n = 0, cap = (size_t)sb.st_size + 1;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0;) {
        n += got;
        if (n > max) {
            free(buf);
            fclose(fp);
            errno = EFBIG;
            return NULL;
        }
        if (n + 1 == cap) { /* the file grew while we read it */
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    int e = !buf ? ENOMEM : ferror(fp) ? EIO : 0;
    fclose(fp);
    if (e) {
        free(buf);
        errno = e;
        return NULL;
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}
