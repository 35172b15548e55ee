/* podmeta.c: ephemeral pod metadata and the injected anti-affinity (not implemented yet). */
#include "controller/rollout/internal.h"

void ro_podmeta_new_rs(ro_ctx *x, cJSON *rs)
{
    (void)x;
    (void)rs;
}

int ro_podmeta_sync(ro_ctx *x)
{
    (void)x;
    return 0;
}
