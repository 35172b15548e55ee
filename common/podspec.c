#include "common/podspec.h"

#include <stdbool.h>
#include <string.h>

#include "common/json.h"

static void set_default(cJSON *o, const char *key, cJSON *v)
{
    if (!cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_AddItemToObject(o, key, v);
    else
        cJSON_Delete(v);
}

void co_pod_spec_defaults(cJSON *spec)
{
    if (!cJSON_IsObject(spec))
        return;
    set_default(spec, "restartPolicy", cJSON_CreateString("Always"));
    set_default(spec, "terminationGracePeriodSeconds", cJSON_CreateNumber(30));
    set_default(spec, "dnsPolicy", cJSON_CreateString("ClusterFirst"));
    set_default(spec, "schedulerName", cJSON_CreateString("default-scheduler"));
    set_default(spec, "securityContext", cJSON_CreateObject());
    cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "containers"))
    {
        if (!cJSON_IsObject(c))
            continue;
        const char *image = cj_str(c, "image");
        const char *colon = image ? strrchr(image, ':') : NULL;
        bool latest = !image || !colon || strchr(colon, '/') || !strcmp(colon, ":latest");
        set_default(c, "imagePullPolicy", cJSON_CreateString(latest ? "Always" : "IfNotPresent"));
        set_default(c, "terminationMessagePath", cJSON_CreateString("/dev/termination-log"));
        set_default(c, "terminationMessagePolicy", cJSON_CreateString("File"));
        set_default(c, "resources", cJSON_CreateObject());
        cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "ports"))
        {
            if (cJSON_IsObject(p))
                set_default(p, "protocol", cJSON_CreateString("TCP"));
        }
    }
}
