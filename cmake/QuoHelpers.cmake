# Compiler flags shared by every target, and small helpers.

set(QUO_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wvla -Wpointer-arith)
if(QUO_WERROR)
  list(APPEND QUO_WARNINGS -Werror)
endif()
add_compile_options(${QUO_WARNINGS})
add_compile_definitions(_POSIX_C_SOURCE=200809L)

if(QUO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# QUO_FUZZ with clang: everything is built with coverage feedback and
# ASan+UBSan (fuzzer-no-link), so the library and the mock guide the fuzzer;
# only the fuzz targets link libFuzzer itself (fuzz/CMakeLists.txt). With an
# external engine (OSS-Fuzz / ClusterFuzzLite) $CFLAGS already carry all of
# this and nothing is added.
set(QUO_FUZZ_ENGINE "" CACHE STRING
    "Link flags of an external fuzzing engine ($LIB_FUZZING_ENGINE); empty = -fsanitize=fuzzer")
if(QUO_FUZZ AND NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "QUO_FUZZ=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_C_COMPILER=clang, or leave QUO_FUZZ off for replay executables")
endif()
if(QUO_FUZZ AND NOT QUO_FUZZ_ENGINE)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(QUO_COVERAGE)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
    add_link_options(-fprofile-instr-generate)
  else()
    add_compile_options(--coverage -O0)
    add_link_options(--coverage)
  endif()
endif()

# quo_embed_file(<out.c> <input> <symbol>): generates a C file defining
# `const char <symbol>[]` (NUL-terminated) and `const size_t <symbol>_len`
# with the input's bytes, so binaries run with no data files beside them.
function(quo_embed_file out input symbol)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${input} -DOUT=${out} -DSYM=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/Embed.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/Embed.cmake
    COMMENT "Embedding ${input}")
endfunction()

# quo_add_check_test(<name> SOURCES ... [LIBS ...] [TIMEOUT s] [ENV ...])
# A libcheck test program registered with ctest.
function(quo_add_check_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;ENV" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE quo PkgConfig::CHECK ${T_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QUO_TESTDATA_DIR=${QUO_TESTDATA_DIR};QUO_SOURCE_DIR=${PROJECT_SOURCE_DIR};CK_DEFAULT_TIMEOUT=120;${T_ENV}")
endfunction()
