"""`python -m seolog` runs the command-line app."""

from seolog.cli.app import main

if __name__ == "__main__":
    main()
