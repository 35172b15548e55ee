/* faults.h: fault injection switches of the fake API server, from C (the same JSON specs as
 * POST /_cutover/faults; see faults.c for the format).
 *
 * Each call takes the server's lock: call them from the embedding program's own threads, never
 * from inside a server callback. */
#ifndef CUTOVER_FAKEAPI_SIM_FAULTS_H
#define CUTOVER_FAKEAPI_SIM_FAULTS_H

#include <stddef.h>

#include "fakeapi/fakeapi.h"

/* Adds a rule or runs an action, e.g.
 *   {"fail": {"resource":"pods","code":500,"nth":3}}
 *   {"fail": {"resource":"*","code":429,"share":0.25,"times":2}}
 *   {"latency": {"resource":"*","ms":200}}
 *   {"closeWatches": true}
 *   {"compact": {"keep": 0}}
 * Returns 0, or -1 with a message naming the offending field in err. */
int fakeapi_fault_set(fakeapi *f, const char *json_spec, char *err, size_t errlen);

/* Removes every rule; requests held back by injected latency are released now. */
void fakeapi_fault_clear(fakeapi *f);

/* The rules with their counters, as GET /_cutover/faults returns them (caller frees). */
char *fakeapi_fault_list(fakeapi *f);

#endif
