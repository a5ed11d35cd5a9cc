"""``python -m fastgen``."""

from fastgen.cli import main

main()
