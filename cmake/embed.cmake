# embed.cmake: writes OUT, a C file defining `const char *const NAME[]` (each file in FILES as one
# NUL-terminated string) and `const unsigned NAME_count`. Run as: cmake -DOUT=.. -DNAME=..
# -DFILES="a;b" -P embed.cmake
set(body "/* generated from ${FILES} by cmake/embed.cmake: do not edit */\n")
set(items "")
set(n 0)
foreach(f IN LISTS FILES)
  file(READ "${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," hex "${hex}")
  string(APPEND body "static const char ${NAME}_${n}[] = {${hex}0};\n")
  string(APPEND items "${NAME}_${n},")
  math(EXPR n "${n} + 1")
endforeach()
string(APPEND body "const char *const ${NAME}[] = {${items}0};\nconst unsigned ${NAME}_count = ${n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
