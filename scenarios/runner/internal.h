/* internal.h: what the runner's files share. */
#ifndef CUTOVER_SCENARIO_INTERNAL_H
#define CUTOVER_SCENARIO_INTERNAL_H

#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "scenarios/runner/runner.h"

struct sc_scenario {
    cJSON *doc;       /* the whole file; steps are validated and `apply` normalized in place */
    char *path, *dir; /* the file and its directory (apply paths are relative to it) */
    const char *name, *ns; /* point into doc (ns "default" when absent) */
    cJSON *steps;
    int requires_simulation; /* `requires: simulation`: skipped on a real cluster */
    /* cluster: (simulation only) */
    double pod_ready_seconds;
    uint64_t seed;
    int ingress_port;
    fakeapi_image *images;
    size_t nimages;
};

#endif
