# Reruns gen_shape_table.py into FRESH and fails unless it equals the COMMITTED table.
# Usage: cmake -DPYTHON=... -DGENERATOR=... -DNNC=... -DCOMMITTED=... -DFRESH=... -P check_table_fresh.cmake
execute_process(COMMAND ${PYTHON} ${GENERATOR} --nnc ${NNC} ${FRESH} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${status})")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${COMMITTED} ${FRESH} RESULT_VARIABLE differs)
if(differs)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${COMMITTED} ${FRESH})
  endif()
  message(FATAL_ERROR "${COMMITTED} is not what ${GENERATOR} writes: regenerate it with\n"
                      "  ${PYTHON} ${GENERATOR} --nnc ${NNC} ${COMMITTED}\nand never edit it by hand.")
endif()
