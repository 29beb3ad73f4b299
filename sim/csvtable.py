"""Reading a CSV table a person exported (an HR system, a spreadsheet, a survey tool).

One job: bytes on disk -> a header and columns of text cells, with every problem a person can fix
reported by the row number a spreadsheet shows (the header is row 1, the first data row is row
2): text that is not UTF-8, a row with the wrong number of cells, a repeated or empty column
name, an empty file. Cells are stripped of surrounding spaces. The delimiter is a comma, or a
semicolon or tab when the header has no comma (spreadsheets in many locales save "CSV" with
semicolons). A UTF-8 byte-order mark, as Excel's "CSV UTF-8" writes, is accepted.

What the cells mean is for the caller (:mod:`sim.orgchart`, :mod:`sim.survey`).
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.files import read_regular_file
from sim.params import ParameterError

# How many example rows an error message lists before "and N more".
MAX_EXAMPLES = 3
# A chart of 100,000 people with every optional column is about 10 MB; a survey of 1,000
# departments about 5 MB. Larger files, and files of more cells, are not such tables, and are
# refused before parsing (a cell costs about 60 bytes of memory once read).
MAX_CSV_BYTES = 64_000_000
MAX_CELLS = 2_000_000


class TableError(ParameterError):
    """A CSV file cannot be read as a table. The message names the file and the row."""


@dataclass(frozen=True)
class Table:
    """A CSV file's header and its cells, column by column.

    Attributes:
        path: The file read.
        header: Column names as written (stripped), in file order.
        columns: Column name -> the column's cells (stripped text; ``""`` for empty), one per
            data row, as a NumPy array of Python strings (dtype object).
        rows: The spreadsheet row number of each data row (the header is row 1; blank rows are
            skipped but keep their numbers, so messages point at the row a person sees).
        data: The file's bytes (for a content-keyed hash of ids, see :mod:`sim.orgchart`).
    """

    path: Path
    header: tuple[str, ...]
    columns: dict[str, np.ndarray]
    rows: np.ndarray
    data: bytes

    @property
    def n_rows(self) -> int:
        """Number of data rows (the header and blank rows not counted)."""
        return int(self.rows.size)

    def row(self, index: int) -> int:
        """The spreadsheet row number of data row ``index`` (0-based)."""
        return int(self.rows[index])


def examples(items: list[str], total: int | None = None, limit: int = MAX_EXAMPLES) -> str:
    """The first ``limit`` items joined by commas, with "and N more" when there are more."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:limit])
    more = total - min(len(items), limit)
    return f"{shown} and {more} more" if more > 0 else shown


def _decode(path: Path, data: bytes, key_column: str | None) -> str:
    """UTF-8 text of the file, or an error naming the row (and its key) of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        line_end = data.find(b"\n", err.start)
        line = data[line_start : line_end if line_end >= 0 else len(data)]
        who = _key_of_line(data, line, key_column) if key_column is not None and row > 1 else ""
        raise TableError(
            f"{path}: row {row}{who} is not UTF-8 text: byte 0x{data[err.start]:02x} at "
            f"character {column}. Save the file as UTF-8 (in Excel: 'CSV UTF-8')"
        ) from None


def _key_of_line(data: bytes, line: bytes, key_column: str) -> str:
    """`` (key 'value')`` for a raw line read leniently, or "" if the header has no such key
    column (then the file is not the table asked for, and none of its cells is quoted)."""
    head = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    delimiter = _delimiter(head)
    header = [h.strip() for h in next(csv.reader([head], delimiter=delimiter))]
    cells = next(csv.reader([line.decode("utf-8", errors="replace")], delimiter=delimiter), [])
    k = header.index(key_column) if key_column in header else len(header)
    if k >= min(len(header), len(cells)):
        return ""
    return f" ({header[k]} '{cells[k].strip()}')"


def _delimiter(first_line: str) -> str:
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def read_table(path: str | Path, what: str, key_column: str | None = None) -> Table:
    """Read a CSV file into a :class:`Table`, or raise a :class:`TableError` a person can act on.

    Only a regular file of at most :data:`MAX_CSV_BYTES` bytes and :data:`MAX_CELLS` cells is
    read (checked before parsing: a folder, a FIFO or ``/dev/zero`` is refused at once). Errors
    name rows and columns by number and never quote the file's cells: what the cells mean,
    and whether the file is the kind of table asked for, is the caller's to say.

    Args:
        path: The file.
        what: What the file is, for messages (e.g. ``"org chart"``).
        key_column: The header name of the column that names a row (e.g. ``"employee_id"``).
            Text that is not UTF-8 is reported with that row's key when the header has this
            column, a sign that the file is the table asked for.

    Raises:
        TableError: a missing or unreadable file, not a regular file, too large, text that is
            not UTF-8 or has NUL bytes, an empty file or header, a repeated or empty column
            name, or a row with more or fewer cells than the header.
    """
    path = Path(path)
    data = read_regular_file(path, what, MAX_CSV_BYTES, TableError)
    text = _decode(path, data, key_column)
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise TableError(
            f"{path}: row {row} contains a NUL byte; the {what} must be plain text (is it a "
            "binary file, or a spreadsheet saved in its own format instead of CSV?)"
        )
    if not text.strip():
        raise TableError(f"{path}: the {what} file is empty; it needs a header row and data rows")
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    cells = text.count(delimiter) + text.count("\n") + 1  # an upper bound, counted in C
    if cells > MAX_CELLS:
        raise TableError(
            f"{path}: about {cells:,} cells; a {what} has at most {MAX_CELLS:,} (e.g. "
            "100,000 people x 20 columns)"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with _no_gc():
            records = list(reader)
    except csv.Error as err:
        raise TableError(f"{path}: row {reader.line_num}: not valid CSV: {err}") from None
    header = tuple(cell.strip() for cell in records[0])
    _check_header(path, what, header)
    # Blank lines (a spacer row, trailing empty lines, a row of bare commas) carry nothing: they
    # are skipped, and the rows after them keep their file row numbers. (map() keeps the
    # per-row work in C: a 100,000-row chart is read in a fraction of a second.)
    filled = np.fromiter(
        map(bool, map(str.strip, map("".join, records))), dtype=bool, count=len(records)
    )
    filled[0] = False
    index = np.flatnonzero(filled)
    numbers = index + 1
    rows = [records[i] for i in index] if index.size < len(records) - 1 else records[1:]
    if not rows:
        raise TableError(f"{path}: the {what} has a header but no data rows")
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    bad = np.flatnonzero(lengths != len(header))
    if bad.size:
        where = [f"row {numbers[i]} has {lengths[i]}" for i in bad[:MAX_EXAMPLES]]
        raise TableError(
            f"{path}: {examples(where, int(bad.size))} cells where the header (row 1) has "
            f"{len(header)}; a value containing a comma needs quotes"
        )
    with _no_gc():
        columns = {
            name: np.array(list(map(str.strip, cells)), dtype=object)
            for name, cells in zip(header, zip(*rows, strict=True), strict=True)
        }
    return Table(path=path, header=header, columns=columns, rows=numbers, data=data)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects at once.

    Reading a 100,000-row file creates about a million strings and lists, none of them in a
    cycle; without the pause the collector rescans them all several times (twice the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_header(path: Path, what: str, header: tuple[str, ...]) -> None:
    empty = [i + 1 for i, h in enumerate(header) if not h]
    if empty:
        raise TableError(
            f"{path}: the header (row 1) has an empty column name in column {empty[0]}; "
            "name every column or delete the empty one"
        )
    first: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        if name in first:
            raise TableError(
                f"{path}: the header (row 1) has the same column name in columns {first[name]} "
                f"and {column}; every column of the {what} needs its own name"
            )
        first[name] = column
