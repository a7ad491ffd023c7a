"""`python -m bench`: sitegen against Hugo and Pelican (see bench/peers.py)."""

from bench.peers import main

raise SystemExit(main())
