# Writes OUT: a C++ source defining rtwatch::relay::NAME() as the bytes of
# IN, so the wallboard needs no file at run time and no escaping.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from ${IN} by embed.cmake; do not edit.\n"
  "#include \"rtwatch/relay/relay.hpp\"\n"
  "namespace rtwatch::relay {\nnamespace {\nconstexpr char k_bytes[] = {${bytes}0};\n}\n"
  "std::string_view ${NAME}() { return {k_bytes, ${size}}; }\n}\n")
