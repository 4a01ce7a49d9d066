# nnc_add_model(TARGET MODEL.yaml [WEIGHTS FILE] [WEIGHTS_AT_RUNTIME] [SET NAME=VALUE ...])
#
# A static library TARGET built from `nnc emit MODEL.yaml --emit cpp`, run at build time and again whenever the
# model, its weights or nnc change; its header NAME.hpp (NAME: the model's name as a C++ identifier) is on TARGET's
# include path. WEIGHTS_AT_RUNTIME leaves the parameters out of the code: they go to the file named by TARGET's
# property NNC_WEIGHTS_FILE, for NAME::load_weights() at start-up. SET passes `--set NAME=VALUE` for the model's args.
# TARGET's property NNC_NAME holds NAME.

# The path of the imported nnc executable, for running it at configure time.
function(_nnc_executable out)
  get_target_property(configs nnc::nnc IMPORTED_CONFIGURATIONS)
  list(GET configs 0 config)
  get_target_property(location nnc::nnc IMPORTED_LOCATION_${config})
  set(${out} "${location}" PARENT_SCOPE)
endfunction()

function(nnc_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "WEIGHTS_AT_RUNTIME" "WEIGHTS" "SET")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "nnc_add_model(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}\n"
                        "Usage: nnc_add_model(TARGET MODEL.yaml [WEIGHTS FILE] [WEIGHTS_AT_RUNTIME] [SET NAME=VALUE ...])")
  endif()
  get_filename_component(model "${model}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(set_args)
  foreach(setting IN LISTS arg_SET)
    list(APPEND set_args --set "${setting}")
  endforeach()
  set(emit_args ${set_args})
  set(weights)
  if(arg_WEIGHTS)
    get_filename_component(weights "${arg_WEIGHTS}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND emit_args --weights "${weights}")
  endif()

  # The file names depend on the model's name, so the model is checked now, and again (with a fresh name) whenever
  # it changes: a mistake in it stops the configure step with nnc's diagnostics.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${model}")
  _nnc_executable(nnc)
  execute_process(COMMAND "${nnc}" check --format json --color never "${model}" ${set_args}
                  OUTPUT_VARIABLE json RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    execute_process(COMMAND "${nnc}" check --color never "${model}" ${set_args} OUTPUT_VARIABLE text ERROR_VARIABLE text)
    message(FATAL_ERROR "nnc_add_model(${target}): ${model} does not check:\n${text}")
  endif()
  string(JSON name GET "${json}" files 0 emit_name)

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/nnc_models/${target}")
  set(outputs "${dir}/${name}.hpp" "${dir}/${name}.cpp")
  if(arg_WEIGHTS_AT_RUNTIME)
    list(APPEND emit_args --weights-file)
    list(APPEND outputs "${dir}/${name}.safetensors")
  endif()
  add_custom_command(OUTPUT ${outputs}
                     COMMAND nnc::nnc emit "${model}" --emit cpp -o "${dir}" ${emit_args}
                     DEPENDS "${model}" ${weights} nnc::nnc
                     COMMENT "nnc: emitting C++ for ${model}"
                     VERBATIM)
  add_library(${target} STATIC ${outputs})
  target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${dir}>")
  target_compile_features(${target} PUBLIC cxx_std_17)
  set_target_properties(${target} PROPERTIES NNC_NAME "${name}")
  if(arg_WEIGHTS_AT_RUNTIME)
    set_target_properties(${target} PROPERTIES NNC_WEIGHTS_FILE "${dir}/${name}.safetensors")
  endif()
endfunction()
