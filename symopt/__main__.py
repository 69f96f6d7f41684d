"""``python -m symopt`` runs the command line."""

from symopt.cli import main

main()
