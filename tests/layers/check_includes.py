#!/usr/bin/env python3
"""Checks every #include of every layer under lib/ against the dependencies
the layer declares in CMake (DEPS and PRIVATE_DEPS of rtwatch_add_layer,
written to layer_deps.txt at configure time). A layer may include its own
headers, the layers it declares, and the libraries it declares; fmt comes
with core, whose public headers use it.

usage: check_includes.py LAYER_DEPS_TXT LIB_DIR
Exits 1 and names each undeclared include (file:line) when there is one."""
import os
import re
import sys

# CMake target -> the include prefix it provides.
LIBRARIES = {
    "rtwatch_rapidjson": "rapidjson/",
    "CURL::libcurl": "curl/",
    "CLI11::CLI11": "CLI/",
    "fmt::fmt": "fmt/",
    "PkgConfig::HTTPLIB": "httplib.h",
    "OpenSSL::SSL": "openssl/",
    "OpenSSL::Crypto": "openssl/",
    "wslay": "wslay/",
    "PkgConfig::NATS": "nats/",
}
# Prefixes that are not a declared library: the standard library and the OS.
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def read_deps(path):
    deps = {}
    with open(path) as f:
        for line in f:
            if ":" not in line:
                continue
            layer, rest = line.split(":", 1)
            deps[layer.strip()] = rest.split()
    return deps


def allowed_prefixes(layer, declared):
    prefixes = ["rtwatch/%s/" % layer]
    for dep in declared:
        if dep.startswith("rtwatch_") and dep in LIBRARIES:
            prefixes.append(LIBRARIES[dep])
        elif dep.startswith("rtwatch_"):
            prefixes.append("rtwatch/%s/" % dep[len("rtwatch_"):])
            if dep == "rtwatch_core":
                prefixes.append("fmt/")
        elif dep in LIBRARIES:
            prefixes.append(LIBRARIES[dep])
    return prefixes


def governed(name):
    """Includes the check rules on: project layers and declared libraries."""
    return name.startswith("rtwatch/") or any(name.startswith(p) for p in LIBRARIES.values())


def check(deps, lib_dir):
    problems = []
    for layer, declared in sorted(deps.items()):
        root = os.path.join(lib_dir, layer)
        if not os.path.isdir(root):
            problems.append("%s: declared in CMake but %s does not exist" % (layer, root))
            continue
        prefixes = allowed_prefixes(layer, declared)
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp", ".h")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    for number, text in enumerate(f, 1):
                        m = INCLUDE.match(text)
                        if not m or not governed(m.group(1)):
                            continue
                        if not any(m.group(1).startswith(p) for p in prefixes):
                            problems.append("%s:%d: layer '%s' includes <%s> but does not declare it "
                                            "(add it to DEPS or PRIVATE_DEPS in lib/%s/CMakeLists.txt)"
                                            % (path, number, layer, m.group(1), layer))
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    deps = read_deps(sys.argv[1])
    if not deps:
        print("check_includes: no layers in %s" % sys.argv[1], file=sys.stderr)
        return 2
    problems = check(deps, sys.argv[2])
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print("check_includes: %d layers, every include declared" % len(deps))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
