# run.cmake: one fuzz test (see CMakeLists.txt). Copies the seed corpus SEEDS into CORPUS in the
# build tree, then runs FUZZER over it for RUNS inputs of at most MAX_LEN bytes, with a fixed seed
# so that a failure reproduces; a failing input lands in ARTIFACTS.
file(MAKE_DIRECTORY ${CORPUS} ${ARTIFACTS})
if(IS_DIRECTORY ${SEEDS})
  file(GLOB seeds ${SEEDS}/*)
  if(seeds)
    file(COPY ${seeds} DESTINATION ${CORPUS})
  endif()
endif()
execute_process(
  COMMAND ${FUZZER} -runs=${RUNS} -max_len=${MAX_LEN} -seed=1 -timeout=20 -rss_limit_mb=2048
          -max_total_time=120 -print_final_stats=1 -artifact_prefix=${ARTIFACTS} ${CORPUS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); the input that failed is in ${ARTIFACTS}")
endif()
