#!/usr/bin/env bash
# Build libAntimony 2.13.4 (sys-bio/antimony, the library inside Tellurium) against Debian's
# libSBML, and the small driver the tests use to turn crnnc's Antimony into SBML with it
# (scripts/antimony/antimony-check.cpp). Idempotent: a finished build is reused.
#
#   bash scripts/build-antimony.sh        →  ~/.cache/crnnc/antimony/bin/crnnc-antimony-check
#
# The source is taken, in this order, from $ANTIMONY_SRC (a checkout or unpacked tarball of
# tag v2.13.4), or from the repository mirror the session tools keep at
# /work/.mirror/sys-bio+antimony/repo (`git archive v2.13.4`); without either the script says so
# and exits 0, and test/antimony-libantimony.test.ts skips with the reason. Debian's libSBML is
# built without a C++ namespace, so the build defines `libsbml` away (-Dlibsbml=) after
# removing the `using namespace libsbml;` lines, and moves the declarations FixNames …
# UpdateRateOf in module.h out of the USE_COMP guard (they are defined for every build).
# As root, missing build tools (libsbml5-dev cmake bison g++) are installed with apt-get.
set -euo pipefail

TAG=v2.13.4
HOME_DIR="${CRNNC_ANTIMONY_HOME:-${HOME:-/root}/.cache/crnnc/antimony}"
MIRROR="${ANTIMONY_MIRROR:-/work/.mirror/sys-bio+antimony/repo}"
HERE="$(cd "$(dirname "$0")" && pwd)"
DRIVER_SRC="$HERE/antimony/antimony-check.cpp"
BIN="$HOME_DIR/bin/crnnc-antimony-check"
STAMP="$HOME_DIR/stamp"
want_stamp="$TAG $(sha256sum "$DRIVER_SRC" "$0" | sha256sum | cut -c1-16)"

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]]; then
  echo "libAntimony $TAG: up to date ($BIN)"
  exit 0
fi

need=()
for p in libsbml5-dev cmake bison g++; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "libAntimony: installing ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "libAntimony: not built: missing ${need[*]} (install them, or run this script as root)"
    exit 0
  fi
fi

SRC="$HOME_DIR/src"
rm -rf "$SRC" "$HOME_DIR/build"
mkdir -p "$SRC" "$HOME_DIR/bin"
if [[ -n "${ANTIMONY_SRC:-}" && -f "$ANTIMONY_SRC/src/antimony_api.h" ]]; then
  cp -r "$ANTIMONY_SRC/CMakeLists.txt" "$ANTIMONY_SRC/LICENSE.txt" "$ANTIMONY_SRC/README.txt" "$ANTIMONY_SRC/src" "$SRC/"
elif [[ -d "$MIRROR" ]] && git --git-dir="$MIRROR" rev-parse -q --verify "$TAG^{commit}" >/dev/null; then
  # (The mirror may lack large files outside these paths; git then complains about them on stderr.)
  git --git-dir="$MIRROR" archive "$TAG" CMakeLists.txt LICENSE.txt README.txt src 2>/dev/null | tar -x -C "$SRC" --exclude=src/test || true
  [[ -f "$SRC/src/antimony_api.h" ]] || { echo "libAntimony: not built: $TAG could not be read from $MIRROR"; exit 0; }
else
  echo "libAntimony: not built: no source (set ANTIMONY_SRC to a checkout of sys-bio/antimony $TAG; no mirror at $MIRROR)"
  exit 0
fi

# Debian's libSBML has no C++ namespace.
sed -i '/^using namespace libsbml;/d' "$SRC"/src/*.cpp "$SRC"/src/*.h
python3 - "$SRC/src/module.h" <<'EOF'
import sys, re
p = sys.argv[1]
t = open(p).read()
block = re.search(r"\n  void FixNames\(libsbml::Model\* model\);\n.*?  void UpdateRateOf\(libsbml::Model\* model\);\n", t, re.S)
if block:
    t = t.replace(block.group(0), "\n")
    # Before the last `#ifdef USE_COMP` of the private section (still inside #ifndef NSBML).
    i = t.rindex("#ifdef USE_COMP")
    t = t[:i] + block.group(0).lstrip("\n") + t[i:]
open(p, "w").write(t)
EOF

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$SRC" -B "$HOME_DIR/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-Dlibsbml= -w" \
  -DWITH_QTANTIMONY=OFF -DWITH_STATIC_SBML=OFF -DWITH_LIBSBML_EXPAT=OFF -DWITH_LIBSBML_COMPRESSION=OFF \
  -DWITH_CHECK=OFF -DWITH_PYTHON=OFF -DWITH_SWIG=OFF -DUSE_UNIVERSAL_BINARIES=OFF >"$HOME_DIR/cmake.log" 2>&1 ||
  { tail -20 "$HOME_DIR/cmake.log"; echo "libAntimony: cmake failed (log: $HOME_DIR/cmake.log)"; exit 1; }
cmake --build "$HOME_DIR/build" --target antimony-static -j "$jobs" >"$HOME_DIR/build.log" 2>&1 ||
  { tail -30 "$HOME_DIR/build.log"; echo "libAntimony: build failed (log: $HOME_DIR/build.log)"; exit 1; }

g++ -O1 -std=c++11 -Dlibsbml= -w -I"$SRC/src" "$DRIVER_SRC" "$HOME_DIR/build/libantimony-static.a" -lsbml -o "$BIN"
echo "$want_stamp" >"$STAMP"
echo "libAntimony $TAG: built ($BIN)"
