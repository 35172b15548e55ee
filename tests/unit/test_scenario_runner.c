/* test_scenario_runner.c: scenario files are validated before anything runs (errors name the
 * file, step and field), and every scenario in scenarios/ is deterministic: two runs, one log. */
#include "cu.h"
#include "scenarios/runner/runner.h"

#include <curl/curl.h>
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char src_dir[1024]; /* the repository, from this file's path */

static char *write_tmp(const char *yaml)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/cutover-scenario-XXXXXX");
    int fd = mkstemp(path);
    if (write(fd, yaml, strlen(yaml)) < 0)
        CU_FAIL("write");
    close(fd);
    return path;
}

static void expect_error(const char *yaml, const char *want)
{
    char *path = write_tmp(yaml), err[2048] = "";
    sc_scenario *s = sc_load(path, err, sizeof err);
    CU_ASSERT_PTR_NULL(s);
    if (!strstr(err, want) || !strstr(err, path))
        fprintf(stderr, "\n  wanted \"%s\" (and the file name) in: %s\n", want, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
    sc_free(s);
    unlink(path);
}

static void test_format_errors(void)
{
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        {"steps: []\n", "name: required"},
        {"name: x\n", "steps: required"},
        {"name: x\nbogus: 1\nsteps: []\n", "bogus: unknown field"},
        {"name: x\nsteps:\n- frobnicate: {}\n", "steps[0]: unknown step kind \"frobnicate\""},
        {"name: x\nsteps:\n- sleep: 1s\n- traffic: {url: http://a/, expect: {x: 100}, foo: 1}\n",
         "steps[1].traffic.foo: unknown field"},
        {"name: x\nsteps:\n- traffic: {expect: {x: 100}}\n", "steps[0].traffic.url: required"},
        {"name: x\nsteps:\n- traffic: {url: http://a/, expect: {x: high}}\n", "steps[0].traffic.expect.\"x\": expected a percentage"},
        {"name: x\nsteps:\n- promote: {rollout: 3}\n", "steps[0].promote.rollout: expected a string"},
        {"name: x\nsteps:\n- assert: {object: {kind: Rollout}}\n", "steps[0].assert.object: apiVersion and kind are required"},
        {"name: x\nsteps:\n- assert: {timeout: soon, object: {apiVersion: v1, kind: Pod}}\n", "steps[0].assert.timeout"},
        {"name: x\nsteps:\n- sleep: 3x\n", "steps[0].sleep"},
        {"name: x\nsteps:\n- apply: missing.yaml\n", "steps[0].apply: missing.yaml"},
        {"name: x\nsteps:\n- apply: {kind: ConfigMap}\n", "steps[0].apply[0]: an object needs apiVersion, kind and metadata.name"},
        {"name: x\nsteps:\n- patch: {object: {apiVersion: v1, kind: Pod, metadata: {name: p}}, type: funky, patch: {}}\n",
         "steps[0].patch.type: funky"},
        {"name: x\nsteps:\n- delete: {object: {apiVersion: v1, kind: ConfigMap}}\n",
         "steps[0].delete.object.metadata.name: required"},
        {"name: x\nsteps:\n- assert: {object: {apiVersion: v1, kind: Pod, metadata: {name: 5}}}\n",
         "steps[0].assert.object.metadata: name and namespace must be strings"},
        {"name: x\nsteps:\n- traffic: {url: http://a/, requests: 0, expect: {x: 100}}\n",
         "steps[0].traffic.requests: expected a whole number from 1 to 100000"},
        {"name: x\nsteps:\n- undo: {rollout: r, toRevision: -1.5}\n", "steps[0].undo.toRevision"},
        {"name: x\ncluster: {seed: 1e30}\nsteps: []\n", "cluster.seed"},
        {"name: x\nsteps:\n- expectError: {contains: x, step: {nope: 1}}\n", "steps[0].expectError.step: unknown step kind"},
        {"name: x\nsteps:\n- sleep: 1s\n  assert: {}\n", "steps[0]: a step is a map with exactly one step kind"},
        {"name: x\ncluster: {images: {\"a:*\": {bodyy: x}}}\nsteps: []\n", "cluster.images.\"a:*\".bodyy"},
        {"name: x\ncluster: {podReadySeconds: fast}\nsteps: []\n", "cluster.podReadySeconds"},
        {"name: [x\n", "line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(cases[i].yaml, cases[i].want);
}

static void test_every_scenario_is_deterministic(void)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/scenarios", src_dir);
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int seen = 0;
    FILE *devnull = fopen("/dev/null", "w");
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
            continue;
        char path[1400], err[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        sc_scenario *s = sc_load(path, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        sc_run_opts o = {.out = devnull};
        char *a = NULL, *b = NULL;
        CU_ASSERT_EQUAL(sc_run_one(s, &o, &a, NULL), 0);
        CU_ASSERT_EQUAL(sc_run_one(s, &o, &b, NULL), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_TRUE(strlen(a) > 100);
        if (strcmp(a, b))
            fprintf(stderr, "\n  %s: two runs wrote different logs\n", e->d_name);
        CU_ASSERT_STRING_EQUAL(a, b);
        free(a);
        free(b);
        sc_free(s);
        seen++;
    }
    closedir(d);
    fclose(devnull);
    CU_ASSERT_TRUE(seen >= 2);
}

int main(void)
{
    char here[1024];
    snprintf(here, sizeof here, "%s", __FILE__);
    snprintf(src_dir, sizeof src_dir, "%s/../..", dirname(here));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static const cu_test tests[] = {
        {"format errors name the file, the step and the field", test_format_errors},
        {"every scenario gives the same log twice", test_every_scenario_is_deterministic},
        {NULL, NULL},
    };
    int rc = cu_run("scenario runner", tests);
    curl_global_cleanup();
    return rc;
}
