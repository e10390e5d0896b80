"""Allow `python -m imatinib_cli`."""

from imatinib_cli.cli import main

main()
