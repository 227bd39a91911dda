# Writes OUT: a C++ source defining rtwatch::relay::wallboard_html() as the
# bytes of IN, so the page needs no file at run time and no escaping.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from lib/relay/wallboard.html by embed.cmake; do not edit.\n"
  "#include \"rtwatch/relay/relay.hpp\"\n"
  "namespace rtwatch::relay {\nnamespace {\nconstexpr char k_page[] = {${bytes}0};\n}\n"
  "std::string_view wallboard_html() { return {k_page, ${size}}; }\n}\n")
