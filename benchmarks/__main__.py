"""``python -m benchmarks``: run the benchmark suite (see ``python -m benchmarks --help``)."""

import sys

from benchmarks.suite import main

sys.exit(main())
