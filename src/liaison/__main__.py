"""`python -m liaison` runs the CLI."""

from liaison.cli import main

main()
