# ctest driver: runs quo-conformance --strict against the embedded mock and
# then reads report.json: every generated case must have run and passed,
# none skipped, none left out.
#   cmake -DPROGRAM=path -DREPORT_DIR=dir -P check_run.cmake
cmake_policy(SET CMP0054 NEW)
file(REMOVE_RECURSE "${REPORT_DIR}")
execute_process(COMMAND "${PROGRAM}" --strict --report-dir "${REPORT_DIR}"
                RESULT_VARIABLE rc ERROR_VARIABLE errors)
message("${errors}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "quo-conformance exited with ${rc} (see ${REPORT_DIR}/report.md)")
endif()
if(errors MATCHES "warning|Sanitizer|runtime error")
  message(FATAL_ERROR "quo-conformance or its embedded mock reported a problem on stderr")
endif()
foreach(f junit.xml report.json report.md report.html conformance.tap)
  if(NOT EXISTS "${REPORT_DIR}/${f}")
    message(FATAL_ERROR "missing report ${REPORT_DIR}/${f}")
  endif()
endforeach()
file(READ "${REPORT_DIR}/report.json" json)
foreach(key generated selected run passed failed skipped notRun discarded)
  string(JSON n_${key} GET "${json}" counts ${key})
endforeach()
message(STATUS "generated=${n_generated} run=${n_run} passed=${n_passed} failed=${n_failed} "
               "skipped=${n_skipped} notRun=${n_notRun} discarded=${n_discarded}")
if(n_generated LESS 1 OR NOT n_run EQUAL n_generated OR NOT n_passed EQUAL n_generated
   OR NOT n_failed EQUAL 0 OR NOT n_skipped EQUAL 0 OR NOT n_notRun EQUAL 0)
  message(FATAL_ERROR "not every case ran and passed against the embedded mock")
endif()
if(NOT n_discarded EQUAL 0)
  message(FATAL_ERROR "${n_discarded} generated bodies were discarded (see report.json)")
endif()
string(JSON verdict GET "${json}" verdict)
if(NOT verdict STREQUAL "passed")
  message(FATAL_ERROR "verdict ${verdict}")
endif()
