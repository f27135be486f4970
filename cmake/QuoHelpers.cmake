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

# quo_add_check_test(<name> SOURCES ... [LIBS ...] [TIMEOUT s] [ENV ...] [TAGS ...])
# A libcheck test program registered with ctest. Exit 77 is "skipped"
# (QUO_CHECK_SKIP in tests/common/quo_check.h: data or environment
# missing). Each of TAGS (libcheck tcase tags, e.g. testdata, locale) is
# registered as its own ctest <name>_<tag> (CK_INCLUDE_TAGS=<tag>), which
# can skip on its own; the plain <name> test excludes them.
function(quo_add_check_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;ENV;TAGS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE quo PkgConfig::CHECK ${T_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set(env "QUO_TESTDATA_DIR=${QUO_TESTDATA_DIR};QUO_SOURCE_DIR=${PROJECT_SOURCE_DIR};CK_DEFAULT_TIMEOUT=120;${T_ENV}")
  add_test(NAME ${name} COMMAND ${name})
  # (libcheck reads a set but empty CK_INCLUDE_TAGS as "no test at all":
  # the variables are set only with a value.)
  set(main_env "${env}")
  if(T_TAGS)
    list(JOIN T_TAGS " " excluded)
    set(main_env "${env};CK_EXCLUDE_TAGS=${excluded}")
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77
    ENVIRONMENT "${main_env}")
  foreach(tag ${T_TAGS})
    add_test(NAME ${name}_${tag} COMMAND ${name})
    set_tests_properties(${name}_${tag} PROPERTIES TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77
      ENVIRONMENT "${env};CK_INCLUDE_TAGS=${tag}")
  endforeach()
endfunction()
