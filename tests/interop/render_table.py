"""Prints the merged interop table of a build dir and, with --docs, copies it into
docs/interop.md (between the markers), so the docs keep the latest full run:

    python3 tests/interop/render_table.py build/release [--docs]

The parts are the JSON files the interop test modules wrote under BUILD_DIR/interop/."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from interop_harness import REPO, load_parts, render_markdown  # noqa: E402

BEGIN = "<!-- interop-table:begin (tests/interop/render_table.py --docs) -->"
END = "<!-- interop-table:end -->"


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("build_dir")
    p.add_argument("--docs", action="store_true", help="update docs/interop.md")
    a = p.parse_args(argv)
    parts = load_parts(a.build_dir)
    if not parts:
        print(f"no interop results under {a.build_dir}/interop (run ctest -L interop)",
              file=sys.stderr)
        return 1
    table = render_markdown(parts).replace("## Interop matrix\n\n", "", 1)
    print(table)
    if a.docs:
        path = os.path.join(REPO, "docs", "interop.md")
        with open(path) as f:
            text = f.read()
        if BEGIN not in text or END not in text:
            print(f"{path}: markers missing", file=sys.stderr)
            return 1
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(path, "w") as f:
            f.write(head + BEGIN + "\n" + table + END + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
