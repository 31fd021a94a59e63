"""`python -m liaison` runs the CLI."""

from liaison.cli import main

if __name__ == "__main__":
    main()
