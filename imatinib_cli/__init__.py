"""imx: an evidence summarizer for imatinib trials.

The pipeline is load -> extract -> resolve -> analyze -> render; see docs/architecture.md.
Use it from Python through imatinib_cli.pipeline.
"""

__version__ = "0.1.0"
