"""What one Dask task of one file costs: the worker's CPU and peak memory, the result it sends
back, and the client's peak while it loads that result (docs/scale.md, "A worked plan").

    python benchmarks/generate.py --out /tmp/xml-big --count 10000 --seed 4 --kinds xml --xml-records 10000
    python benchmarks/dask_task.py /tmp/xml-big/pubmed_00000.xml

Each side runs in a fresh child process (so each peak RSS is its own, from getrusage), as
`execute.dask_process_sealed` runs on a worker and `_Dask.result` loads its result on the client,
without a cluster. The vocabularies are loaded before the task, as a worker has them after its
first task. Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

_WORKER = """
import hashlib, pickle, resource, sys, time
from imatinib_cli import execute, vocab
from imatinib_cli.load._walk import RawFile
path, out = sys.argv[1], sys.argv[2]
vocab.tumor_matcher()
data = open(path, "rb").read()
raw = RawFile(path, data, hashlib.sha256(data).hexdigest())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.process_time()
blob = execute.dask_process_sealed(execute.Sealed([raw]), None, ("json", False))
cpu = time.process_time() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
records = sum(len(result.documents) for result in pickle.loads(blob))
open(out, "wb").write(blob)
print(f"worker: {records} records, CPU {cpu:.2f} s ({records / cpu:.0f} records/s), "
      f"peak RSS {peak:.0f} MB ({before:.0f} MB before the task), "
      f"result {len(blob) / records / 1024:.1f} KiB a record")
"""

_CLIENT = """
import pickle, resource, sys
from imatinib_cli import execute
blob = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
results = pickle.loads(blob)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"client: peak RSS {peak:.0f} MB ({before:.0f} MB with the result's {len(blob) / 2**20:.0f} MiB "
      f"read, before loading it)")
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", help="one input file (a PubMed XML set, say)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imx-dask-task-") as folder:
        result = os.path.join(folder, "result.pickle")
        subprocess.run([sys.executable, "-c", _WORKER, options.file, result], check=True)
        subprocess.run([sys.executable, "-c", _CLIENT, result], check=True)


if __name__ == "__main__":
    main()
