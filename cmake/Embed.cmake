# Script mode: cmake -DIN=file -DOUT=file.c -DSYM=name -P Embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
"/* Generated from ${IN} by cmake/Embed.cmake. Do not edit. */\n#include <stddef.h>\nextern const char ${SYM}[];\nextern const size_t ${SYM}_len;\nconst char ${SYM}[] = {\n${bytes}0x00};\nconst size_t ${SYM}_len = ${len};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
