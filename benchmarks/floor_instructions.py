"""Instructions per file of a cold serial run with extraction costing nothing (the floor a faster
extractor would be held to), counted by valgrind (a figure noise does not move).

    python benchmarks/floor_instructions.py /tmp/t200
    python benchmarks/floor_instructions.py /tmp/t200 --stage whole
    python benchmarks/floor_instructions.py /tmp/t200 --python /tmp/main-venv/bin/python

Each ok document's Findings are extracted once beforehand (outside valgrind, pickled to a temporary
file) and `imatinib_cli.extract.extract` is replaced in the counted child by a look-up of them, so
what is counted is everything else a cold `--json --jobs 1` run does. `--stage lean` (the default):
for each file, a serial run's lean outputs (execute._lean_outputs: read_file, the look-up,
made_lean's work for each document) and their SpillStore.put, the collector frozen and off after a
first round (two runs of the same code give the same count). `--stage whole`: one more whole run in
the same process, pipeline.summarize_streamed then render.write_summary_json to /dev/null (the walk,
sha256, the files-seen map, the spill store, the groups and the output besides), the collector
frozen after the first run. As in benchmarks/extract_instructions.py, the child runs twice under
`valgrind --tool=cachegrind --cache-sim=no`, once with one round and once with two; the difference
over the files is what one more round costs. --python runs the child with another interpreter (a
venv with another version of imatinib_cli installed). Not a test; docs/performance-log.md ("The
thirteenth session: the floor outside extraction") holds the figures. Needs valgrind.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from extract_instructions import one_more_round  # benchmarks/ is the script's folder

# Extracts every ok document of the corpus and pickles the Findings by (path, record).
_EXTRACT = """
import pickle, sys
from pathlib import Path
from imatinib_cli.extract import extract
from imatinib_cli.load import load_records
found = {}
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.is_file():
        for document in load_records(str(path), path.read_bytes()):
            if document.status == "ok":
                found[document.path, document.record] = extract(document)
with open(sys.argv[2], "wb") as file:
    pickle.dump(found, file, pickle.HIGHEST_PROTOCOL)
"""

_LOOKED_UP = """
import gc, os, pickle, sys
from pathlib import Path
import imatinib_cli.extract as extraction
with open(sys.argv[2], "rb") as file:
    found = pickle.load(file)
extraction.extract = lambda document: found[document.path, document.record]
paths = sorted(path for path in Path(sys.argv[1]).rglob("*") if path.is_file())
"""

_LEAN = (
    _LOOKED_UP
    + """
from imatinib_cli import execute
from imatinib_cli.load import RawFile
from imatinib_cli.spill import SpillStore
files = [RawFile(str(path), path.read_bytes(), "0" * 64) for path in paths]
store = SpillStore()
seq = 0
def one_round():
    global seq
    for raw in files:
        for document, item in execute._lean_outputs(raw, "json"):
            if item is not None and item.keys is not None:
                store.put(seq, item.findings, item.keys, item.order, item.study)
                seq += 1
one_round()
gc.collect(); gc.freeze(); gc.disable()
for _ in range(int(sys.argv[3])):
    one_round()
print(len(files))
"""
)

_WHOLE = (
    _LOOKED_UP
    + """
from imatinib_cli import pipeline, render
out = open(os.devnull, "w")
def one_run():
    render.write_summary_json(pipeline.summarize_streamed([sys.argv[1]], rendered="json", jobs=1), out)
one_run()
gc.collect(); gc.freeze()
for _ in range(int(sys.argv[3])):
    one_run()
print(len(paths))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--stage", choices=("lean", "whole"), default="lean")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter whose imatinib_cli to count"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        extractor, found = Path(folder) / "extract.py", Path(folder) / "found.pickle"
        extractor.write_text(_EXTRACT, encoding="utf-8")  # a script: `-c` would import ./imatinib_cli
        subprocess.run([args.python, str(extractor), str(args.corpus), str(found)], check=True)
        child = _LEAN if args.stage == "lean" else _WHOLE
        per_file, files = one_more_round(args.python, child, [str(args.corpus), str(found)])
    print(f"{files} files: {args.stage} floor {per_file / 1e6:.4f} M instructions a file")


if __name__ == "__main__":
    main()
