/* driver.c: runs a fuzz target (LLVMFuzzerTestOneInput) where there is no libFuzzer, as in gcc
 * builds, so that every build runs every fuzz target.
 *
 *   fuzz_NAME [-runs=N] [-max_len=M] [-seed=S] [-artifact_prefix=P] DIR_OR_FILE...
 *
 * It runs every file of the corpus directories (sorted by name) and files given, then N mutants:
 * each is a corpus input, picked by a seeded generator, changed one to four times (bit flips,
 * interesting bytes, truncations, insertions, deletions, copies within the input, splices with
 * another input), and capped at M bytes. The same seed and corpus give the same inputs, so a
 * failure reproduces by running the same command again; the input being run when a crash happens
 * is also written to P"crash-input". Each input is passed in a buffer of exactly its size, so
 * AddressSanitizer catches any read past its end. Other libFuzzer flags are accepted and ignored.
 * There is no coverage feedback: this is a smoke fuzzer; clang builds with CUTOVER_FUZZ use
 * libFuzzer instead. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sanitizers call this before they exit on an error; absent in builds without them. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

typedef struct {
    uint8_t *data;
    size_t size;
} input;

static input *pool;
static size_t npool, cappool;

/* what is running now, for the crash report */
static const uint8_t *cur_data;
static size_t cur_size;
static char crash_path[4096] = "crash-input";

static void save_current(void)
{
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    size_t off = 0;
    while (cur_data && off < cur_size) {
        ssize_t w = write(fd, cur_data + off, cur_size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    static const char msg[] = "driver: the failing input was written to the file named by -artifact_prefix + crash-input\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do while dying */
    }
}

static void on_signal(int sig)
{
    save_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees any overread */
    if (!copy) {
        perror("driver");
        exit(2);
    }
    if (size)
        memcpy(copy, data, size);
    cur_data = copy;
    cur_size = size;
    LLVMFuzzerTestOneInput(copy, size);
    cur_data = NULL;
    free(copy);
}

static void add_input(const uint8_t *data, size_t size)
{
    if (npool == cappool) {
        cappool = cappool ? 2 * cappool : 64;
        pool = realloc(pool, cappool * sizeof *pool);
        if (!pool) {
            perror("driver");
            exit(2);
        }
    }
    pool[npool].data = malloc(size ? size : 1);
    if (!pool[npool].data) {
        perror("driver");
        exit(2);
    }
    if (size)
        memcpy(pool[npool].data, data, size);
    pool[npool++].size = size;
}

static int read_file(const char *path, size_t max_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc(max_len ? max_len : 1);
    size_t n = buf ? fread(buf, 1, max_len, f) : 0; /* longer files are cut, as libFuzzer does */
    fclose(f);
    if (!buf)
        return -1;
    add_input(buf, n);
    free(buf);
    return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int read_dir(const char *dir, size_t max_len)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (!names[n])
            break;
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && read_file(names[i], max_len) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* splitmix64: small, seedable, the same everywhere */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* One mutation of buf (size *n, capacity cap). */
static void mutate(uint8_t *buf, size_t *n, size_t cap)
{
    static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x7f, 0x80, 0xff};
    size_t len;
    switch (rnd() % 8) {
    case 0: /* flip a bit */
        if (*n)
            buf[below(*n)] ^= (uint8_t)(1u << below(8));
        break;
    case 1: /* an interesting byte: a tag, a length, a varint edge */
        if (*n)
            buf[below(*n)] = interesting[below(sizeof interesting)];
        break;
    case 2: /* truncate */
        *n = below(*n + 1);
        break;
    case 3: /* insert 1-8 random bytes */
        len = 1 + below(8);
        if (*n + len <= cap) {
            size_t at = below(*n + 1);
            memmove(buf + at + len, buf + at, *n - at);
            for (size_t i = 0; i < len; i++)
                buf[at + i] = (uint8_t)rnd();
            *n += len;
        }
        break;
    case 4: /* delete 1-8 bytes */
        if (*n) {
            size_t at = below(*n);
            len = 1 + below(8);
            if (len > *n - at)
                len = *n - at;
            memmove(buf + at, buf + at + len, *n - at - len);
            *n -= len;
        }
        break;
    case 5: /* copy a chunk over another place of the input */
        if (*n > 1) {
            size_t from = below(*n), to = below(*n);
            len = 1 + below(*n - (from > to ? from : to));
            memmove(buf + to, buf + from, len);
        }
        break;
    case 6: { /* splice: this input's head, another's tail */
        const input *o = &pool[below(npool)];
        size_t head = below(*n + 1), tail = below(o->size + 1);
        len = o->size - tail;
        if (head + len > cap)
            len = cap - head;
        memcpy(buf + head, o->data + tail, len);
        *n = head + len;
        break;
    }
    default: /* a random byte */
        if (*n)
            buf[below(*n)] = (uint8_t)rnd();
        break;
    }
}

int main(int argc, char **argv)
{
    unsigned long long runs = 10000, seed = 1;
    size_t max_len = 4096;
    const char *prefix = "";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "-runs=", 6))
            runs = strtoull(a + 6, NULL, 10);
        else if (!strncmp(a, "-max_len=", 9))
            max_len = (size_t)strtoull(a + 9, NULL, 10);
        else if (!strncmp(a, "-seed=", 6))
            seed = strtoull(a + 6, NULL, 10);
        else if (!strncmp(a, "-artifact_prefix=", 17))
            prefix = a + 17;
    }
    if (max_len == 0)
        max_len = 4096;
    snprintf(crash_path, sizeof crash_path, "%scrash-input", prefix);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(save_current);
    signal(SIGSEGV, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    signal(SIGILL, on_signal);

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-' || stat(argv[i], &st) != 0)
            continue;
        if ((S_ISDIR(st.st_mode) ? read_dir(argv[i], max_len) : read_file(argv[i], max_len)) < 0)
            return 2;
    }
    size_t ncorpus = npool;
    for (size_t i = 0; i < ncorpus; i++)
        run(pool[i].data, pool[i].size);
    if (!npool)
        add_input(NULL, 0);

    rng_state = seed;
    uint8_t *buf = malloc(max_len);
    if (!buf)
        return 2;
    for (unsigned long long r = 0; r < runs; r++) {
        const input *base = &pool[below(npool)];
        size_t n = base->size < max_len ? base->size : max_len;
        memcpy(buf, base->data, n);
        for (size_t k = 1 + below(4); k > 0; k--)
            mutate(buf, &n, max_len);
        run(buf, n);
    }
    free(buf);
    printf("driver: %zu corpus inputs and %llu mutants ran (seed %llu, max_len %zu)\n", ncorpus, runs, seed, max_len);
    for (size_t i = 0; i < npool; i++)
        free(pool[i].data);
    free(pool);
    return 0;
}
