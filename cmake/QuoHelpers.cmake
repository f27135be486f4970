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
