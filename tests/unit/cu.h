/* cu.h: a flat CUnit harness. A test file lists its cases in one table and
 * calls cu_run() from main; ctest runs each test_<name> executable. */
#ifndef CUTOVER_TESTS_CU_H
#define CUTOVER_TESTS_CU_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

typedef struct {
    const char *name;
    void (*fn)(void);
} cu_test;

static inline int cu_run(const char *suite_name, const cu_test *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    for (const cu_test *t = tests; t->name; t++)
        CU_add_test(suite, t->name, t->fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}

#endif
