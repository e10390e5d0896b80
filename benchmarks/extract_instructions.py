"""Instructions per document of extraction, counted by valgrind: a figure a busy machine does not move.

    python benchmarks/generate.py --out /tmp/imx-text10k --count 10000 --seed 1 --kinds text,page
    mkdir -p /tmp/t200 && (cd /tmp/imx-text10k && ls | head -200 | xargs cp -t /tmp/t200)
    python benchmarks/extract_instructions.py /tmp/t200
    python benchmarks/extract_instructions.py /tmp/t200 --python /tmp/main-venv/bin/python

Time per document swings by 2x on a shared 2-core machine; the count of instructions executed
does not (it moves by well under 1 % between runs). This loads every file once, outside
valgrind, and pickles its Documents; then runs `valgrind --tool=cachegrind --cache-sim=no` twice
on one child process that unpickles them and extracts every document once (which builds every
matcher), then joins the phrase index's automata into one (as a long run soon does), the second
time extracting them all again; the difference, divided by the documents, is what one more
extraction of each costs: without the join, whether the index's one-time merge fell in the
counted round moved the count by ~0.5 M a document. --python runs both with another interpreter
(a venv with another version of imatinib_cli installed, not editable) to compare before and
after. Instructions are not time: C regex scans and Python bytecode cost different times per
instruction. The child runs with PYTHONHASHSEED=0: the order of sets and dicts keyed by strings
moves the count by up to ~2 % between seeds, so every count is taken with the same one. The
Documents come pickled because loading an HTML page under valgrind does not run the same
instructions twice: with the load in the child, the count of the 144 HTML pages moved by ~0.1 M
a page between runs of the same code. Not a test; docs/performance-log.md ("Fewer passes in
extraction") holds the figures. Needs valgrind (Debian: `apt-get install valgrind`); ~1 minute
for 200 documents.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import sys
from pathlib import Path
from imatinib_cli import vocab
from imatinib_cli.extract import extract
import pickle
documents = pickle.loads(Path(sys.argv[1]).read_bytes())
for document in documents:
    extract(document)
# The phrase index joins its automata into one once enough text was read twice (vocab._PhraseIndex);
# done here after the first round, so that one-time merge (~0.1 G instructions) never lands in the
# counted round, whichever reader builds its matcher first.
index = vocab._INDEX
if hasattr(index, "merge"):
    index.merge()
else:  # an imatinib_cli from before merge() (--python with an older install): its own join
    index.groups = [vocab._Group([number for group in index.groups for number in group.numbers])]
    index._compile(index.groups[0])
    index.extra_chars = 0
for _ in range(int(sys.argv[2])):
    for document in documents:
        extract(document)
print(len(documents))
"""

# Loads every file of a corpus and pickles its ok Documents (run once, outside valgrind): the
# counted child unpickles them, so the load's own instructions, which are not the same from one
# run to the next on HTML pages (libxml2's allocations), never reach the difference.
_LOADER = """
import pickle
import sys
from pathlib import Path
from imatinib_cli.load import load_records
files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.is_file())
documents = [d for f in files for d in load_records(str(f), f.read_bytes()) if d.status == "ok"]
Path(sys.argv[2]).write_bytes(pickle.dumps(documents, pickle.HIGHEST_PROTOCOL))
"""


def _instructions(
    python: str, child: Path, arguments: list[str], report: Path | None = None
) -> tuple[int, int]:
    """(instructions executed, items it printed last) of one child run under cachegrind; report:
    where cachegrind writes its per-function counts (none kept without it)."""
    run = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={report or '/dev/null'}"]
        + [python, str(child), *arguments],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # string hashes move the count by ~2 % otherwise
    )
    counted = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if counted is None:
        raise SystemExit(f"no instruction count in valgrind's report:\n{run.stderr[-2000:]}")
    return int(counted.group(1).replace(",", "")), int(run.stdout.split()[-1])


def one_more_round(
    python: str, source: str, arguments: list[str], reports: tuple[Path, Path] | None = None
) -> tuple[float, int]:
    """(instructions a round costs per item, items): the child `source` run twice under
    cachegrind, with arguments and "0", then "1" (one more round of its work), after one run
    without it so both find the vocabulary snapshot in place; its last output is the number of
    items. reports: where the two runs' per-function counts go. Exits with a message when
    valgrind is missing."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        child = Path(folder) / "child.py"
        child.write_text(source, encoding="utf-8")
        # One run outside valgrind first: after a source edit, the first run rewrites the
        # vocabulary snapshot (and bytecode), and that work counted in "once" alone made the
        # difference ~1 M instructions a document too low.
        subprocess.run([python, str(child), *arguments, "0"], capture_output=True, check=True)
        once, items = _instructions(python, child, [*arguments, "0"], reports and reports[0])
        twice, _ = _instructions(python, child, [*arguments, "1"], reports and reports[1])
    return (twice - once) / items, items


# What a counted instruction is spent on, by the C source file and function it ran in (as
# cachegrind names them): the first kind whose file or function pattern matches takes it. Objects
# come first (a tuple's dealloc is freeing, not a tuple method; Py_INCREF and Py_DECREF inlined
# anywhere are filed under Include/object.h), containers before str (dictobject.c's
# unicodekeys_lookup_unicode is a dict look-up). The interpreter's own work (dispatching bytecode,
# making and clearing frames, calling) is what a compiled build would save.
_KINDS = (
    (
        "objects made and freed, refcounts, gc",
        r"obmalloc\.c|/malloc\.c|gcmodule\.c|Include/object\.h|pycore_object\.h",
        r"dealloc|_Py_NewReference|_Py_Dealloc|_alloc$|GenericAlloc|_PyTrash",
    ),
    (
        "interpreter: bytecode, frames, calls",
        r"ceval\.c|/frame\.c|pycore_frame\.h|pystate\.c|/call\.c|pycore_ceval\.h|methodobject\.c|"
        r"descrobject\.c|funcobject\.c|classobject\.c|getargs\.c",
        r"^type_call$",
    ),
    ("re (the _sre engine)", r"_sre", None),
    ("aho-corasick (the phrase index's automata)", r"aho.?corasick", r"aho_corasick"),
    (
        "int, tuple, list, dict, set",
        r"longobject\.c|tupleobject\.c|listobject\.c|dictobject\.c|setobject\.c|abstract\.c",
        None,
    ),
    (
        "str and bytes",
        r"unicodeobject\.c|stringlib|bytesobject\.c|bytes_methods\.c",
        r"^__(mem|str)\w*",
    ),
    ("code without debug information (???)", r"^\?\?\?$", None),
)


def _by_function(report: Path) -> dict[tuple[str, str], int]:
    """Instructions by (file, function) in a cachegrind report (`fl=`/`fn=` headers, then
    "line count" rows)."""
    counts: dict[tuple[str, str], int] = {}
    source = ""
    function: tuple[str, str] | None = None
    with report.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("fl="):
                source = line[3:].strip()
            elif line.startswith("fn="):
                function = (source, line[3:].strip())
            elif line[:1].isdigit() and function:
                fields = line.split()
                if len(fields) >= 2:
                    counts[function] = counts.get(function, 0) + int(fields[1])
    return counts


def _kind(source: str, function: str) -> str:
    """The kind of the instructions run in `function` of `source` (a C file), "other" if none."""
    for name, source_pattern, function_pattern in _KINDS:
        if re.search(source_pattern, source) or (function_pattern and re.search(function_pattern, function)):
            return name
    return "other"


def kinds_of_round(once: Path, twice: Path) -> list[tuple[str, float]]:
    """(kind, share of the round's instructions) for what the second report ran beyond the first,
    largest first; "other" for what no kind names."""
    before, after = _by_function(once), _by_function(twice)
    shares: dict[str, int] = {}
    for (source, function), count in after.items():
        kind = _kind(source, function)
        shares[kind] = shares.get(kind, 0) + count - before.get((source, function), 0)
    total = sum(shares.values()) or 1
    return sorted(((kind, spent / total) for kind, spent in shares.items()), key=lambda row: -row[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter whose imatinib_cli to count"
    )
    parser.add_argument(
        "--by-kind",
        action="store_true",
        help="also say what the counted round's instructions were spent on (interpreter, objects, re...)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        loaded, loader = Path(folder) / "documents.pickle", Path(folder) / "loader.py"
        loader.write_text(_LOADER, encoding="utf-8")  # a script: `-c` would import ./imatinib_cli
        subprocess.run([args.python, str(loader), str(args.corpus), str(loaded)], check=True)
        reports = (Path(folder) / "once.out", Path(folder) / "twice.out") if args.by_kind else None
        per_document, documents = one_more_round(args.python, _CHILD, [str(loaded)], reports)
        kinds = kinds_of_round(*reports) if reports else []
    print(f"{documents} documents: extraction {per_document / 1e6:.3f} M instructions a document")
    for kind, share in kinds:
        print(f"  {100 * share:5.1f} %  {kind}")


if __name__ == "__main__":
    main()
