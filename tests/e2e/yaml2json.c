/* yaml2json.c: prints every document of a YAML file as one JSON value per line, with the
 * project's own YAML reader (common/yaml.c), so the e2e test can check files that are not
 * Kubernetes objects (the kind config, images/stand-ins.yaml, scenarios) with jq. Built by
 * tests/e2e/test_makefile_e2e.sh:  cc -I. tests/e2e/yaml2json.c common/yaml.c -lyaml -lcjson
 *   yaml2json FILE      exit 1 with the parser's message when the file is not YAML */
#include "common/yaml.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: yaml2json FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 16, len = 0, n;
    char *text = malloc(cap);
    while (text && (n = fread(text + len, 1, cap - len, f)) > 0)
        if ((len += n) == cap)
            text = realloc(text, cap *= 2);
    fclose(f);
    if (!text)
        return 1;
    char err[512];
    cJSON *docs = yaml_parse_all(text, len, err, sizeof err);
    free(text);
    if (!docs) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 1;
    }
    const cJSON *d;
    cJSON_ArrayForEach(d, docs)
    {
        char *s = cJSON_PrintUnformatted(d);
        puts(s);
        free(s);
    }
    cJSON_Delete(docs);
    return 0;
}
