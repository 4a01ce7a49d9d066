# NNC_SANITIZE: the sanitizers every nnc target (the executable, the plugins, the runtime and the tests) is built with,
# e.g. -DNNC_SANITIZE=address,undefined. Every test then runs with the options in sanitizer_environment.cmake.in.
set(NNC_SANITIZE "" CACHE STRING "Sanitizers to build with (-fsanitize=...), e.g. address,undefined; empty for none")

set(_nnc_known_sanitizers address undefined leak)
if(NNC_SANITIZE)
  string(REPLACE "," ";" _nnc_sanitizers "${NNC_SANITIZE}")
  foreach(sanitizer IN LISTS _nnc_sanitizers)
    if(NOT sanitizer IN_LIST _nnc_known_sanitizers)
      list(JOIN _nnc_known_sanitizers ", " known)
      message(FATAL_ERROR "NNC_SANITIZE: unknown sanitizer '${sanitizer}' in '${NNC_SANITIZE}'; known: ${known}")
    endif()
  endforeach()
  add_compile_options(-fsanitize=${NNC_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${NNC_SANITIZE})
endif()

# Gives every test of this build the sanitizers' options: ctest runs the script when it reads the tests, and the tests
# inherit the environment it sets (Catch2's tests, found only then, too).
function(nnc_sanitizer_test_environment)
  if(NOT NNC_SANITIZE)
    return()
  endif()
  set(NNC_LSAN_SUPPRESSIONS ${PROJECT_SOURCE_DIR}/tests/lsan_suppressions.txt)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/sanitizer_environment.cmake.in ${PROJECT_BINARY_DIR}/sanitizer_environment.cmake @ONLY)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES ${PROJECT_BINARY_DIR}/sanitizer_environment.cmake)
endfunction()
