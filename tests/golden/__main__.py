"""``python -m tests.golden``: regenerate the golden outputs after an intended model change."""

from tests.golden.cases import regenerate

for path in regenerate():
    print(f"wrote {path}")
