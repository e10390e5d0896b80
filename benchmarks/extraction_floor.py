"""What a cold run costs outside extraction: the floor that even a free extractor would leave.

    python benchmarks/extraction_floor.py /tmp/imx-text10k
    python benchmarks/extraction_floor.py /tmp/html-pages-html --python /tmp/main-venv/bin/python

Issue 12 asks for 2,000 cold text abstracts a second per core. Whether any faster extractor (a
native one included) could reach it depends on what the rest of the run costs: the walk, loading,
the lean path (resolve and render of each study), the spill store and the output. This measures that
directly. A first child runs `imx summarize DIR --json --no-cache --jobs 1` in-process with
`extract` wrapped to keep every Findings it returns, and pickles them. Then, in alternated rounds,
two children run the same command: "real" extracts as usual; "free" has `extract` replaced by a
look-up of the kept Findings (by path and record, as benchmarks/floor_instructions.py keys them),
unpickled before the run and frozen out of the garbage collector's reach (gc.freeze), so the look-up
costs a dict access. Each child says the CPU time (user + system) its command took, counted from
just before `imx`'s entry to its end, so the interpreter's start and the store's unpickling are
outside both figures. The two outputs must be byte-identical (the look-up served every document), or
the script fails. A kept Findings holds the first run's Document, not the one this run loaded, so
the lean path makes one more copy of it without its text than a real run does (~1 µs): the floor is,
if anything, a little high.

It also says what unpickling the Findings costs with the collector off: about the least that
making those objects costs in CPython, so a lower bound on what any extractor that returns them
would add to the floor.

Run from a folder outside the checkout (/tmp) so that --python's own install is imported. Not a
test: docs/performance-log.md ("The thirteenth session: the floor outside extraction") holds the
figures."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import gc, os, pickle, resource, sys
mode, store_path = sys.argv[1], sys.argv[2]
sys.argv = ["imx", *sys.argv[3:]]
import imatinib_cli.extract as extract_module

def key(document):
    return document.path, document.record

if mode == "fill":
    real, store = extract_module.extract, {}
    def extract(document):
        findings = real(document)
        store[key(document)] = findings
        return findings
    extract_module.extract = extract
elif mode == "free":
    with open(store_path, "rb") as handle:
        store = pickle.load(handle)
    gc.collect()
    gc.freeze()
    def extract(document):
        return store[key(document)]
    extract_module.extract = extract

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

from imatinib_cli.__main__ import main
start = cpu()
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
took = cpu() - start
if mode == "fill":
    with open(store_path, "wb") as handle:
        pickle.dump(store, handle, pickle.HIGHEST_PROTOCOL)
sys.stdout.flush()
os.write(2, f"imx-floor {mode} {took:.4f} {len(store) if mode != 'real' else 0}\\n".encode())
sys.exit(code)
"""

_UNPICKLE = """
import gc, pickle, sys, time
import imatinib_cli.models
data = open(sys.argv[1], "rb").read()
best = None
for _ in range(3):
    gc.disable()
    start = time.process_time()
    store = pickle.loads(data)
    took = time.process_time() - start
    del store
    gc.enable()
    gc.collect()
    best = took if best is None else min(best, took)
print(best)
"""


def _child(python: str, child: Path, mode: str, store: Path, corpus: str, out: Path) -> tuple[float, int]:
    """(CPU seconds of the command, Findings kept or served) of one child run."""
    command = [
        python,
        str(child),
        mode,
        str(store),
        "summarize",
        corpus,
        "--json",
        "--no-cache",
        "--jobs",
        "1",
    ]
    with out.open("wb") as stdout:
        done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, check=False)
    lines = [line for line in done.stderr.decode().splitlines() if line.startswith("imx-floor ")]
    if not lines:
        sys.exit(f"the {mode} child said nothing: {done.stderr.decode()[-2000:]}")
    _, _, took, count = lines[-1].split()
    return float(took), int(count)


def main() -> None:
    """Fill the store once, then alternate real and free rounds; print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose imatinib_cli to run")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imx-floor-") as folder:
        work = Path(folder)
        child = work / "child.py"
        child.write_text(_CHILD)
        store = work / "findings.pickle"
        _, documents = _child(options.python, child, "fill", store, options.corpus, work / "fill.json")
        real: list[float] = []
        free: list[float] = []
        for _ in range(options.rounds):
            took, _ = _child(options.python, child, "real", store, options.corpus, work / "real.json")
            real.append(took)
            took, _ = _child(options.python, child, "free", store, options.corpus, work / "free.json")
            free.append(took)
            if (work / "real.json").read_bytes() != (work / "free.json").read_bytes():
                sys.exit("the free run's output differs from the real run's: the look-up missed")
        unpickle = float(
            subprocess.run(
                [options.python, "-c", _UNPICKLE, str(store)], capture_output=True, text=True, check=True
            ).stdout
        )
    real_median, free_median = statistics.median(real), statistics.median(free)
    print(f"{documents} documents, {options.rounds} alternated rounds, CPU s of the command")
    print(f"real: {' '.join(f'{t:.2f}' for t in real)}  median {real_median:.2f}")
    print(f"free: {' '.join(f'{t:.2f}' for t in free)}  median {free_median:.2f}")
    per_real, per_free = 1e3 * real_median / documents, 1e3 * free_median / documents
    print(f"a document: real {per_real:.3f} ms ({1e3 / per_real:,.0f}/s)", end=", ")
    print(f"without extraction {per_free:.3f} ms ({1e3 / per_free:,.0f}/s)")
    share = 100 * (1 - free_median / real_median)
    print(f"extraction: {per_real - per_free:.3f} ms a document, {share:.1f} % of the run")
    making = 1e3 * unpickle / documents
    print(f"making the Findings (unpickled, collector off, best of 3): {making:.3f} ms a document")


if __name__ == "__main__":
    main()
