"""`python -m darkcargo` runs the command line."""

from darkcargo.cli.main import run

run()
