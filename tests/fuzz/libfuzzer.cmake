# Building and running libFuzzer targets with clang-19, beside the project's own compiler.
set(fuzz_compile_flags -std=c++20 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -Wno-deprecated-declarations -Wno-unknown-pragmas)
set(fuzz_link_flags -fsanitize=fuzzer,address,undefined)

# fuzz_objects(OUT_VAR SOURCE... FLAGS FLAG...): one instrumented object per source, rebuilt when it or a header
# it includes changes; OUT_VAR gets the objects.
function(fuzz_objects out_var)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "FLAGS")
  set(objects)
  foreach(source ${arg_UNPARSED_ARGUMENTS})
    cmake_path(IS_PREFIX PROJECT_BINARY_DIR ${source} generated)
    if(generated)
      cmake_path(RELATIVE_PATH source BASE_DIRECTORY ${PROJECT_BINARY_DIR} OUTPUT_VARIABLE name)
    else()
      cmake_path(RELATIVE_PATH source BASE_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE name)
    endif()
    set(object ${CMAKE_CURRENT_BINARY_DIR}/objects/${name}.o)
    cmake_path(GET object PARENT_PATH object_dir)
    file(MAKE_DIRECTORY ${object_dir})
    add_custom_command(OUTPUT ${object}
                       COMMAND ${NNC_CLANGXX} ${fuzz_compile_flags} ${arg_FLAGS} -MD -MF ${object}.d -c ${source} -o ${object}
                       DEPENDS ${source}
                       DEPFILE ${object}.d
                       COMMENT "Compiling ${name} for the fuzzers"
                       VERBATIM COMMAND_EXPAND_LISTS)
    list(APPEND objects ${object})
  endforeach()
  set(${out_var} ${objects} PARENT_SCOPE)
endfunction()

# add_fuzzer(NAME MAIN_SOURCE OBJECTS OBJECT... FLAGS FLAG... LIBRARIES LIBRARY...): the fuzzer bin/NAME, built by `all`.
function(add_fuzzer name main)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "OBJECTS;FLAGS;LIBRARIES")
  fuzz_objects(main_object ${CMAKE_CURRENT_SOURCE_DIR}/${main} FLAGS ${arg_FLAGS})
  set(fuzzer ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/${name})
  add_custom_command(OUTPUT ${fuzzer}
                     COMMAND ${NNC_CLANGXX} ${fuzz_link_flags} ${main_object} ${arg_OBJECTS} ${arg_LIBRARIES} -o ${fuzzer}
                     DEPENDS ${main_object} ${arg_OBJECTS}
                     COMMENT "Linking the libFuzzer target ${name}"
                     VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(${name} ALL DEPENDS ${fuzzer})
endfunction()

# fuzz_test(FUZZER WHAT RUNS CORPUS SEED_DIR...): a ctest running FUZZER on RUNS inputs from seed 1. New inputs go
# to CORPUS (made afresh by the seeds fixture); crashes to the build directory.
function(fuzz_test fuzzer what runs corpus)
  add_test(NAME "fuzz: libFuzzer on ${what} (${runs} inputs)"
           COMMAND ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/${fuzzer} -seed=1 -runs=${runs} -timeout=10 -rss_limit_mb=4096
                   -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/${fuzzer}- ${corpus} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties("fuzz: libFuzzer on ${what} (${runs} inputs)" PROPERTIES FIXTURES_REQUIRED fuzz_seeds TIMEOUT 180)
endfunction()
