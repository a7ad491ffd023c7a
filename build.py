"""Build the site in this folder: the same as `sitegen build` (arguments pass through)."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
