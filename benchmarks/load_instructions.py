"""Instructions per file of loading and of the lean path, counted by valgrind (a figure noise does not move).

    python benchmarks/load_instructions.py /tmp/t200
    python benchmarks/load_instructions.py /tmp/t200 --python /tmp/main-venv/bin/python
    python benchmarks/load_instructions.py /tmp/t200 --stage lean

`--stage load` (the default) counts `load_records` (decode, format sniffing, the reader, the
Document's layout) of every file; `--stage lean` what `execute.made_lean` does for each document
besides pickling: `resolve.merge_group` of the document alone and `render.json.study_piece` of the
study; `--stage made` all of `execute.made_lean` for `--json` (the document and its Findings without
text, link keys, the merge, the study's text, the pickle) per file. As in
benchmarks/extract_instructions.py, `valgrind --tool=cachegrind --cache-sim=no` runs one child
twice, once doing the stage once and once twice (after loading and extracting every file, which
warms every import and pattern); the difference over the files (or documents) is what one more pass
costs. --python runs the child with another interpreter (a venv with another version of imatinib_cli
installed, not editable). Instructions are not time. Not a test; docs/performance-log.md ("Load and the
lean path, third pass") holds the figures. Needs valgrind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extract_instructions import one_more_round  # benchmarks/ is the script's folder

_CHILD = """
import sys
from pathlib import Path
from imatinib_cli.execute import _extracted, made_lean, without_text
from imatinib_cli.extract import extract
from imatinib_cli.load import load_records
from imatinib_cli.render.json import study_piece
from imatinib_cli.resolve import link_keys, merge_group
files = [(str(p), p.read_bytes()) for p in sorted(Path(sys.argv[1]).rglob("*")) if p.is_file()]
documents = [d for path, data in files for d in load_records(path, data) if d.status == "ok"]
leans = [without_text(extract(document)) for document in documents]
leans = [lean for lean in leans if link_keys(lean) is not None]
results = [_extracted(path, "0" * 64, load_records(path, data)) for path, data in files]
for _ in range(1 + int(sys.argv[3])):
    if sys.argv[2] == "load":
        for path, data in files:
            load_records(path, data)
    elif sys.argv[2] == "made":
        for result in results:
            made_lean(result, form="json")
    else:
        for lean in leans:
            study_piece(merge_group([lean]))
print(len(files) if sys.argv[2] in ("load", "made") else len(leans))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--stage", choices=("load", "lean", "made"), default="load")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter whose imatinib_cli to count"
    )
    args = parser.parse_args()
    per_item, count = one_more_round(args.python, _CHILD, [str(args.corpus), args.stage])
    unit = "documents" if args.stage == "lean" else "files"
    print(f"{count} {unit}: {args.stage} {per_item / 1e6:.4f} M instructions a {unit[:-1]}")


if __name__ == "__main__":
    main()
