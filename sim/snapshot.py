"""Snapshots: a model's complete state as a value, in memory or as a file, and back, exactly.

A :class:`Snapshot` holds a tree of plain values (numbers, strings, lists, tuples, dicts, NumPy
arrays and scalars, the core's dataclasses such as :class:`~sim.state.State` and its pydantic
models such as :class:`~sim.params.Params`) as a JSON-able *spec* plus a table of NumPy arrays.
It is generic: a dataclass is stored field by field (``dataclasses.fields``), so a field added to
``State`` or to a phase's product is stored and restored with no edit here, and a value of a kind
this module cannot store exactly is refused when the snapshot is taken, naming where it is. What
goes into a model's snapshot (its attributes, Mesa's clock and generators, the KPI history) is
:meth:`sim.model.ServiceCultureModel.checkpoint`'s business; this module only encodes.

Exactness: arrays keep their dtype, shape and bytes (an object array may hold only strings,
numbers and None, stored in the spec); Python floats are written by ``repr`` (which
reads back to the same double); a NumPy scalar stays a NumPy scalar of its dtype; a list of
Python numbers comes back as a list of the same Python type. An array stored twice (the same
object under two names) comes back as one object, so aliasing survives a round trip.

In memory (:meth:`Snapshot.capture`) a snapshot copies the arrays and encodes nothing: cheap
enough to keep one every few weeks (the dashboard's rewind) or to fork a warmed-up model many
times (:mod:`sim.forks`). Restoring copies them again, so one snapshot can be restored any number
of times.

As bytes or a file (:meth:`Snapshot.to_bytes`, :meth:`Snapshot.write`) a snapshot is a zip
archive of two members: ``snapshot.json`` (format tag, format version, package version, the spec,
and each array's dtype, shape and offset) and ``arrays.bin`` (the arrays' bytes, one after the
other). Nothing in a file is ever unpickled or executed: arrays are read back as plain dtypes only
(booleans, numbers, fixed-width strings), and the only classes a file can name are the core's own
dataclasses and pydantic models (modules ``sim`` and ``sim.*`` outside the tools), built from
their fields. A file that is not a snapshot, is truncated or corrupt (each member carries a
CRC-32 that reading checks), was written by a newer format, or holds a model whose state differs
from this version's (a field missing or unknown) raises :class:`SnapshotError` with
one line saying which; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from sim.params import ParameterError
from sim.version import __version__

FORMAT = "servicechain-snapshot"
FORMAT_VERSION = 1
HEADER = "snapshot.json"
BLOB = "arrays.bin"
# Snapshot files are meant to be opened by this module only; ``.snap`` is the suggested suffix.
SUFFIX = ".snap"
# Modules whose dataclasses and pydantic models a snapshot may name: the core, never a tool.
_CORE = "sim"
_TOOLS = ("sim.studies", "sim.cli")
_PY_SCALARS = (bool, int, float, str)
_NUMBER_KINDS = {bool: "bool", int: "int", float: "float"}


class SnapshotError(ParameterError):
    """A snapshot cannot be taken, read or restored. The message says which and why."""


# ---------------------------------------------------------------------------- the container
@dataclass(frozen=True, eq=False)
class Snapshot:
    """A captured value tree: a JSON-able spec (``header["tree"]``) and its arrays.

    Build one with :meth:`capture` (in memory) or :meth:`from_bytes` / :meth:`read` (from a
    file); get the values back with :meth:`decode`. The arrays are read-only.

    Attributes:
        header: ``format``, ``version``, ``package_version``, the caller's ``meta`` (e.g. the
            week and seed of a model) and ``tree``, the spec of the captured values.
        arrays: Array name -> array (read-only), as referenced by the spec.
    """

    header: dict[str, Any]
    arrays: Mapping[str, np.ndarray]

    # --------------------------------------------------------------- building and decoding
    @classmethod
    def capture(cls, tree: Any, meta: Mapping[str, Any] | None = None) -> Snapshot:
        """Encode ``tree`` (copying its arrays) with ``meta`` (JSON-able) beside it.

        Raises:
            SnapshotError: a value in the tree cannot be stored exactly (its path and type say
                which).
        """
        encoder = _Encoder()
        spec = encoder.encode(tree, "")
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "package_version": __version__,
            "meta": dict(meta or {}),
            "tree": spec,
        }
        return cls(header, encoder.arrays)

    def decode(self) -> Any:
        """The captured values, rebuilt (arrays copied: the snapshot stays as it was).

        Raises:
            SnapshotError: the spec names an unknown class or array, or a class's fields no
                longer match (a snapshot of another version of the model).
        """
        return _Decoder(self.arrays).decode(self.header["tree"], "")

    # --------------------------------------------------------------- what it holds
    @property
    def meta(self) -> dict[str, Any]:
        """The caller's metadata (for a model: ``week``, ``seed``, ``scenario``, ``seats``)."""
        return self.header.get("meta", {})

    @property
    def nbytes(self) -> int:
        """Bytes the snapshot's arrays hold in memory (the spec's few kB are not counted)."""
        return int(sum(a.nbytes for a in self.arrays.values()))

    def differences(self, other: Snapshot) -> list[str]:
        """Where two snapshots differ (spec paths and array names); empty when they are equal.

        Arrays are compared by dtype, shape and bytes (NaN equals NaN, -0.0 differs from 0.0),
        so equal snapshots mean bit-identical states.
        """
        out = _spec_differences(self.header.get("tree"), other.header.get("tree"), "")
        for name in sorted(set(self.arrays) | set(other.arrays)):
            a, b = self.arrays.get(name), other.arrays.get(name)
            if a is None or b is None:
                out.append(f"array {name}: only in one")
            elif a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
                out.append(f"array {name}")
        return out

    # --------------------------------------------------------------- bytes and files
    def to_bytes(self, compress: bool = True) -> bytes:
        """The snapshot as a zip archive (see the module docstring).

        Args:
            compress: Deflate the members (level 1: most of the saving at a fraction of the
                time); False stores them as they are.
        """
        table, offset = {}, 0
        for name, array in self.arrays.items():
            table[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
            offset += array.nbytes
        buffer = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with zipfile.ZipFile(buffer, "w", compression=method, compresslevel=1) as archive:
            text = json.dumps({**self.header, "arrays": table}, separators=(",", ":"))
            archive.writestr(HEADER, text)
            with archive.open(BLOB, "w", force_zip64=True) as member:
                for array in self.arrays.values():
                    member.write(np.ascontiguousarray(array).data.cast("B"))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "snapshot") -> Snapshot:
        """Read a snapshot written by :meth:`to_bytes`.

        Args:
            data: The archive's bytes.
            source: What to call it in error messages (a file name).

        Raises:
            SnapshotError: not a snapshot, truncated or corrupt, or a newer format.
        """
        if not data.startswith(b"PK\x03\x04"):
            raise SnapshotError(
                f"{source}: not a servicechain snapshot (it is not a zip archive); write one "
                "with `servicechain run --save-state FILE` or model.snapshot(path)"
            )
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if HEADER not in archive.namelist():
                    raise SnapshotError(
                        f"{source}: not a servicechain snapshot (a zip archive without {HEADER})"
                    )
                header = json.loads(archive.read(HEADER))
                _check_header(header, source)
                blob = archive.read(BLOB)  # checks the CRC-32
            arrays = _arrays_from(blob, header.pop("arrays"))
        except SnapshotError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                TypeError) as err:  # fmt: skip
            # BadZipFile: truncated or a bad CRC-32; ValueError: broken JSON or array table.
            raise SnapshotError(
                f"{source}: corrupt or truncated snapshot ({type(err).__name__}: {err})"
            ) from None
        return cls(header, arrays)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Snapshot:
        """Read a snapshot file.

        Raises:
            SnapshotError: the file is missing or unreadable, or not a valid snapshot.
        """
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise SnapshotError(f"{p}: no such snapshot file") from None
        except OSError as err:
            raise SnapshotError(f"{p}: cannot read ({err.strerror or err})") from None
        return cls.from_bytes(data, source=str(p))

    def write(self, path: str | os.PathLike[str], compress: bool = True) -> Path:
        """Write the snapshot to ``path`` atomically (a temporary file renamed into place).

        Returns:
            The path written.

        Raises:
            SnapshotError: the place cannot be written.
        """
        return write_bytes(path, self.to_bytes(compress))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write snapshot bytes to ``path`` atomically, creating the folder; returns the path."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, p)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise SnapshotError(f"{p}: cannot write the snapshot ({err.strerror or err})") from None
    return p


def as_snapshot(source: Snapshot | bytes | bytearray | memoryview | str | os.PathLike[str]):
    """A :class:`Snapshot` from a snapshot, its bytes, or a file path.

    Raises:
        SnapshotError: unreadable or invalid (see :meth:`Snapshot.from_bytes`).
        TypeError: ``source`` is none of these.
    """
    if isinstance(source, Snapshot):
        return source
    if isinstance(source, bytes | bytearray | memoryview):
        return Snapshot.from_bytes(bytes(source))
    if isinstance(source, str | os.PathLike):
        return Snapshot.read(source)
    raise TypeError(f"a snapshot is a Snapshot, bytes or a file path, not {type(source).__name__}")


def _arrays_from(blob: bytes, table: dict[str, Any]) -> dict[str, np.ndarray]:
    """The arrays of a file: read-only views of its blob, by the table's dtype, shape and
    offset. Only plain dtypes are accepted (booleans, numbers, fixed-width strings)."""
    arrays = {}
    for name, entry in table.items():
        dtype = np.dtype(entry["dtype"])
        if dtype.kind not in "biufcUS" or dtype.fields is not None:
            raise ValueError(f"array {name!r} has dtype {entry['dtype']!r}, which is refused")
        shape = tuple(int(d) for d in entry["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        offset = int(entry["offset"])
        if min(shape, default=0) < 0 or not 0 <= offset <= len(blob) - count * dtype.itemsize:
            raise ValueError(f"array {name!r} lies outside the data")
        array = np.frombuffer(blob, dtype, count, offset) if count else np.empty(0, dtype)
        array = array.reshape(shape)
        array.flags.writeable = False
        arrays[name] = array
    return arrays


def _check_header(header: Any, source: str) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"{source}: not a servicechain snapshot (no '{FORMAT}' tag)")
    version = header.get("version")
    if not isinstance(version, int) or version < 1:
        raise SnapshotError(f"{source}: corrupt snapshot (format version {version!r})")
    if version > FORMAT_VERSION:
        raise SnapshotError(
            f"{source}: snapshot format {version} was written by a newer servicechain "
            f"({header.get('package_version', '?')}); this one ({__version__}) reads format "
            f"{FORMAT_VERSION}: upgrade servicechain"
        )
    if "tree" not in header or not isinstance(header.get("arrays"), dict):
        raise SnapshotError(f"{source}: corrupt snapshot (no values in {HEADER})")


# ---------------------------------------------------------------------------- encoding
class _Encoder:
    """Value tree -> JSON-able spec; arrays go to ``self.arrays`` under their path."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._seen: dict[int, str] = {}  # id(array) -> name, so aliases are stored once

    def encode(self, value: Any, path: str) -> Any:
        if value is None or type(value) in _PY_SCALARS:
            return value
        if isinstance(value, np.ndarray) and value.dtype.hasobject:
            return self._objects(value, path)
        if isinstance(value, np.ndarray):
            return {"$": "array", "key": self._array(value, path)}
        if isinstance(value, np.generic):
            return {"$": "scalar", "key": self._array(np.asarray(value), path, alias=False)}
        if isinstance(value, list | tuple) and type(value) in (list, tuple):
            tag = "tuple" if isinstance(value, tuple) else "list"
            numbers = _numbers(value)
            if numbers is not None:
                kind, array = numbers
                key = self._array(array, path, alias=False, copy=False)
                return {"$": "numbers", "kind": kind, "as": tag, "key": key}
            return {
                "$": tag,
                "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)],
            }
        if type(value) is dict:
            bad = [k for k in value if type(k) is not str]
            if bad:
                raise SnapshotError(
                    f"{path or 'value'}: a dict key {bad[0]!r} is not a string; snapshots store "
                    "dicts with string keys"
                )
            return {
                "$": "dict",
                "items": {k: self.encode(v, _join(path, k)) for k, v in value.items()},
            }
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {
                f.name: self.encode(getattr(value, f.name), _join(path, f.name))
                for f in dataclasses.fields(value)
            }
            return {"$": "dataclass", "type": _type_name(type(value), path), "fields": fields}
        if isinstance(value, BaseModel):
            data = value.model_dump(mode="json")
            return {"$": "model", "type": _type_name(type(value), path), "data": data}
        raise SnapshotError(
            f"{path or 'value'}: a {type(value).__module__}.{type(value).__qualname__} cannot be "
            "stored in a snapshot; keep model state in NumPy arrays, numbers, strings, lists, "
            "dicts, core dataclasses or pydantic models"
        )

    def _objects(self, array: np.ndarray, path: str) -> dict[str, Any]:
        """An object array of Python strings, numbers or None (an org chart's employee ids),
        stored in the spec; anything else in it is refused."""
        items = array.ravel().tolist()
        if any(v is not None and type(v) not in _PY_SCALARS for v in items):
            raise SnapshotError(
                f"{path}: an object array holding other than strings, numbers or None cannot "
                "be stored in a snapshot; use a numeric, boolean or string dtype"
            )
        return {"$": "objects", "shape": list(array.shape), "items": items}

    def _array(self, array: np.ndarray, path: str, alias: bool = True, copy: bool = True) -> str:
        if alias and id(array) in self._seen:
            return self._seen[id(array)]
        name = _array_name(path, self.arrays)
        stored = np.array(array, copy=True) if copy else array
        stored.flags.writeable = False
        self.arrays[name] = stored
        if alias:
            self._seen[id(array)] = name
        return name


def _numbers(values: list | tuple) -> tuple[str, np.ndarray] | None:
    """A list of Python numbers of one type, or of NumPy scalars of one dtype, as one array
    (kind, array); None for anything else (empty, mixed, objects, ints beyond 64 bits)."""
    if not values:
        return None
    kinds = set(map(type, values))
    if len(kinds) != 1:
        return None
    first = kinds.pop()
    if first in _NUMBER_KINDS:
        dtype = {bool: np.bool_, int: np.int64, float: np.float64}[first]
        try:
            return _NUMBER_KINDS[first], np.array(values, dtype=dtype)
        except OverflowError:
            return None
    if issubclass(first, np.number | np.bool_):
        return "numpy", np.array(values, dtype=first)
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _array_name(path: str, taken: Mapping[str, Any]) -> str:
    """A unique name for the array at ``path`` (its path, made unique if need be)."""
    name, k = path or "value", 2
    while name in taken:
        name = f"{path}~{k}"
        k += 1
    return name


def _type_name(cls: type, path: str) -> str:
    module = cls.__module__
    if not _is_core(module):
        raise SnapshotError(
            f"{path or 'value'}: a {module}.{cls.__qualname__} is not a class of the model's "
            "core (sim); snapshots store only the core's dataclasses and parameter models"
        )
    return f"{module}:{cls.__qualname__}"


def _is_core(module: str) -> bool:
    inside = module == _CORE or module.startswith(_CORE + ".")
    return inside and not module.startswith(_TOOLS)


# ---------------------------------------------------------------------------- decoding
class _Decoder:
    """JSON-able spec + arrays -> values (arrays copied; aliases restored as one object)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.arrays = arrays
        self._made: dict[str, np.ndarray] = {}

    def decode(self, spec: Any, path: str) -> Any:
        if spec is None or type(spec) in _PY_SCALARS:
            return spec
        if type(spec) is not dict or "$" not in spec:
            raise SnapshotError(f"corrupt snapshot: unexpected value at {path or 'the top'}")
        kind = spec["$"]
        if kind == "array":
            key = spec["key"]
            if key not in self._made:
                self._made[key] = np.array(self._stored(key, path), copy=True)
            return self._made[key]
        if kind == "objects":
            made = np.empty(len(spec["items"]), dtype=object)
            made[:] = spec["items"]
            return made.reshape(spec["shape"])
        if kind == "scalar":
            return self._stored(spec["key"], path)[()]
        if kind == "numbers":
            array = self._stored(spec["key"], path)
            items = array.tolist() if spec["kind"] != "numpy" else list(array.copy())
            return tuple(items) if spec["as"] == "tuple" else items
        if kind in ("list", "tuple"):
            items = [self.decode(v, f"{path}[{i}]") for i, v in enumerate(spec["items"])]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict":
            return {k: self.decode(v, _join(path, k)) for k, v in spec["items"].items()}
        if kind == "dataclass":
            return self._dataclass(spec, path)
        if kind == "model":
            cls = _resolve(spec["type"], path, BaseModel)
            try:
                return cls.model_validate(spec["data"])
            except ValidationError as err:
                raise SnapshotError(
                    f"{path}: the stored {cls.__name__} does not validate in this version "
                    f"({err.error_count()} errors, first: {err.errors()[0]['msg']})"
                ) from None
        raise SnapshotError(f"corrupt snapshot: unknown kind {kind!r} at {path or 'the top'}")

    def _stored(self, key: str, path: str) -> np.ndarray:
        try:
            return self.arrays[key]
        except KeyError:
            raise SnapshotError(f"corrupt snapshot: array {key!r} of {path} is missing") from None

    def _dataclass(self, spec: dict[str, Any], path: str) -> Any:
        cls = _resolve(spec["type"], path, None)
        stored = spec["fields"]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        missing = sorted(set(fields) - set(stored))
        unknown = sorted(set(stored) - set(fields))
        if missing or unknown:
            what = "; ".join(
                part
                for part in (
                    f"it lacks {', '.join(missing)}" if missing else "",
                    f"it has {', '.join(unknown)}, which this version does not" if unknown else "",
                )
                if part
            )
            raise SnapshotError(
                f"{path or 'value'}: this snapshot's {cls.__name__} was written by a model with "
                f"other state ({what}); it cannot be resumed by this version: rerun the "
                "scenario instead"
            )
        values = {name: self.decode(stored[name], _join(path, name)) for name in fields}
        init = {name: v for name, v in values.items() if fields[name].init}
        try:
            obj = cls(**init)
        except (TypeError, ValueError) as err:
            raise SnapshotError(
                f"{path or 'value'}: cannot rebuild {cls.__name__} ({err})"
            ) from None
        for name, v in values.items():
            if not fields[name].init:
                object.__setattr__(obj, name, v)
        return obj


def _resolve(name: Any, path: str, base: type | None) -> type:
    """The core class a spec names (``module:qualname``); nothing outside the core."""
    module, _, qualname = str(name).partition(":")
    if not _is_core(module) or not qualname:
        raise SnapshotError(f"{path or 'value'}: the snapshot names a class outside the model's "
                            f"core ({name!r}); refused")  # fmt: skip
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise SnapshotError(
            f"{path or 'value'}: the snapshot names {name!r}, which this version of the model "
            "does not have; rerun the scenario instead"
        ) from None
    ok = isinstance(obj, type) and (
        issubclass(obj, base) if base is not None else dataclasses.is_dataclass(obj)
    )
    if not ok:
        raise SnapshotError(f"{path or 'value'}: {name!r} is not a dataclass or parameter model")
    return obj


def _spec_differences(a: Any, b: Any, path: str) -> list[str]:
    """Paths (as in error messages: ``model.state.shortfall``) where two specs differ; the
    arrays they name are compared by the caller."""
    here = path or "(top)"
    if type(a) is not type(b):
        return [here]
    if isinstance(a, dict):
        if a.get("$") != b.get("$"):
            return [here]
        inner = {"dict": "items", "dataclass": "fields", "list": "items", "tuple": "items"}
        key = inner.get(a.get("$"))
        if key is not None:
            if a.get("type") != b.get("type"):
                return [here]
            return _spec_differences(a[key], b[key], path)
        if "$" in a and a["$"] == "model":
            return _spec_differences(a["data"], b["data"], path)
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(_join(path, str(k)))
            else:
                out += _spec_differences(a[k], b[k], _join(path, str(k)) if k != "$" else path)
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [here]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _spec_differences(x, y, f"{path}[{i}]")]  # fmt: skip
    if isinstance(a, float):  # by repr: NaN equals NaN, -0.0 differs from 0.0
        return [] if repr(a) == repr(b) else [here]
    return [] if a == b else [here]
