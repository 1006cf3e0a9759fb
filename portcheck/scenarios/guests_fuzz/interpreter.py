"""The interpreter of `portcheck fuzz`'s api-sequences generator: a sequence of wasi:http calls as data.

A case is {"ops": [[name, arg, ...], ...]}. Each op's result is kept in the slot of its index;
an argument naming a slot is that slot's resource. Each op is printed before it runs and its
result after (`3: fields.append(#0, 'x-a', b'1') -> ok`), so a trap leaves the op that trapped as
the last, unfinished line. A slot whose resource was dropped or moved is used through a stale copy
of its handle (ops.py): the engine sees the dead index, as a faulty compiler would make it. After
the last op, every resource still held is dropped, children first ("cleanup"), so that the next
sequence of a looping guest starts from nothing.
"""

from __future__ import annotations

import sys
from typing import Any

import ops
from show import run_cases
from unpack import unpacked
from wit_world import exports


def shown_arg(value: Any) -> str:
    if isinstance(value, dict) and "slot" in value:
        return f"#{value['slot']}"
    return repr(value)


def run_program(case: dict[str, Any]) -> None:
    # One write per op: an op's result goes out with the next op's announcement. Each write is a
    # host call (on jco, through its JavaScript host, about 0.4 ms), and the announcement must be
    # out before its op runs, or a trap would lose it.
    table = ops.Table()
    done = ""
    for index, (name, *args) in enumerate(unpacked(case.get("ops", []))):
        sys.stdout.write(f"{done}{index}: {name}({', '.join(shown_arg(arg) for arg in args)}) -> ")
        sys.stdout.flush()
        done = f"{ops.run(table, index, name, args)}\n"
    sys.stdout.write(f"{done}cleanup -> ")
    sys.stdout.flush()
    table.clean_up()
    print("ok")


class Run(exports.Run):
    def run(self) -> None:
        run_cases(run_program)
