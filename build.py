"""Build the site in this folder: the same as `sitegen build` (arguments pass through)."""

import sys

from sitegen.cli import run

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    run()
