/* runner.h: `cutover run`: runs scenario files (SCENARIOS.md) against the embedded fake API
 * server in virtual time, or against a real cluster in real time. */
#ifndef CUTOVER_SCENARIO_RUNNER_H
#define CUTOVER_SCENARIO_RUNNER_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *kubeconfig;   /* cluster mode when set */
    const char *context;      /* cluster mode: kubeconfig context */
    const char *db;           /* record the run here (simulation; one scenario per file: see cli) */
    uint64_t seed;            /* 0 = the scenario's cluster.seed, else 1 */
    int verbose;
    const char *ingress;      /* cluster mode: where traffic goes, "127.0.0.1:30000" by default */
    /* Cluster mode, real time. Every assert waits up to max(timeout, settle) x time_scale; refute,
     * events and traffic, which check at once in simulation (after the cluster is quiet), are
     * retried every second until they hold, for up to settle x time_scale: a real cluster has no
     * "quiet", so this is how long the runner lets the controller, the kubelet and the ingress
     * controller react to the previous step. 0 = $CUTOVER_TIME_SCALE (a number) and
     * $CUTOVER_SETTLE_SECONDS when set, else 1 and 10 s. Sleeps are never scaled. Ignored in
     * simulation. */
    double time_scale;
    int64_t settle_ms;
    FILE *out;                /* NULL = stdout */
    /* Simulation, level-triggered checks: the controller dies just before its Nth write of an
     * object (that request is never sent; Events, being telemetry, are not counted) and a fresh
     * one (new client, caches and queue) takes over. 0 = never. */
    int crash_before_write;
    int *controller_writes;   /* when set: receives the number of those writes it sent */
} sc_run_opts;

/* A parsed, validated scenario. */
typedef struct sc_scenario sc_scenario;

/* Loads and validates a scenario file: unknown step kinds or fields, wrong types and missing
 * fields are errors naming the file, the step and the field ("x.yaml: steps[3].traffic.foo:
 * unknown field"), found before anything runs. NULL with the message in err. */
sc_scenario *sc_load(const char *path, char *err, size_t errlen);
void sc_free(sc_scenario *s);
const char *sc_name(const sc_scenario *s);

/* Runs one scenario; returns 0 when every step passed, 1 when one failed, 2 when it was skipped
 * (cluster mode, and the scenario requires the simulation: a note says so). In simulation, the
 * fake API server's event log is returned in *log (caller frees) when log is not NULL; the
 * virtual milliseconds covered go to *virtual_ms when not NULL. */
int sc_run_one(const sc_scenario *s, const sc_run_opts *o, char **log, int64_t *virtual_ms);

/* Expands directories (their *.yaml, sorted), loads everything first (any load error stops the
 * run before it starts), runs each, prints "N passed, N failed" (and ", N skipped" when scenarios
 * that require the simulation were skipped on a cluster). Returns the number of failed
 * scenarios, or -1 when a file could not be loaded. */
int sc_run_paths(const char *const *paths, int n, const sc_run_opts *o);

#endif
