"""The Ray Data adapter: clean a dataset's rows on a pool of actors.

A thin shell over :class:`cleaner.Cleaner`.  :class:`CleanBatch` is a callable
class for :meth:`ray.data.Dataset.map_batches`: each actor builds its
``Cleaner`` (rule packs loaded and compiled) once, then cleans batch after
batch.  :func:`clean_dataset` wires it up in one call::

    import ray.data
    from cleaner.ray import clean_dataset

    ds = ray.data.read_json("s3://bucket/pages/")          # or read_parquet
    clean_dataset(ds, url_column="url", concurrency=8).write_parquet("s3://bucket/clean/")

The same code runs on a laptop (``ray.init()``) and on a cluster
(``ray.init(address="auto")`` or ``ray job submit``).

Output columns, added to the input columns (same-named input columns are
replaced):

================== ======================================================
column             content
================== ======================================================
``text``           the clean text (the name is ``output_column``); null
                   when the row failed
``metadata``       :attr:`cleaner.Result.metadata` as a map of strings;
                   null when the row failed
``provenance``     :attr:`cleaner.Result.provenance` as a struct (at the
                   ``provenance`` level asked for); null when the row
                   failed or with ``provenance="none"``
``error``          null, or a struct ``{"type", "message"}`` (the
                   ``error`` of :mod:`cleaner.records`) for a row that
                   could not be cleaned (missing or undecodable text, a
                   document over the size limit)
================== ======================================================

With pyarrow batches these columns have the types of :mod:`cleaner.arrow`,
the very schema ``cleaner clean --format parquet`` writes, and an input column
of nulls only is typed as strings (as the command line types it).  With pandas
batches they hold the same values as Python objects.

A bad row never fails the job; an invalid rule pack, an unknown ``site`` or a
missing column does, before or at the first batch.

Needs the ``ray`` extra (``pip install 'cleaner[ray]'``); this module imports
Ray only in :func:`clean_dataset`, so :class:`CleanBatch` also works on plain
pandas and pyarrow batches.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cleaner import Cleaner, CleanerConfig
from cleaner.arrow import (
    ERROR_TYPE,
    METADATA_TYPE,
    PROVENANCE_TYPE,
    metadata_to_arrow,
    provenance_to_arrow,
)
from cleaner.document import Result
from cleaner.records import PROVENANCE_LEVELS, ProvenanceLevel, error_info, shape_provenance

if TYPE_CHECKING:
    from ray.data import Dataset

OUTPUT_COLUMNS = ("metadata", "provenance", "error")
"""Columns added besides the clean text column."""


_TYPES = {"metadata": METADATA_TYPE, "provenance": PROVENANCE_TYPE, "error": ERROR_TYPE}
"""The Arrow types of the output columns (the clean text's is string)."""


class CleanBatch:
    """Clean one batch of rows; the ``fn`` of :meth:`ray.data.Dataset.map_batches`.

    Args:
        rules_dirs: Folders of extra rule packs (readable on every worker).
        site: Force the rule pack of this name for every row.
        text_column: Column of plain text (used when ``html_column`` is unset).
        html_column: Column of HTML pages, as strings or bytes; when set, rows
            are extracted with :meth:`cleaner.Cleaner.clean_html`.
        url_column: Optional column of page URLs (choose the site pack).
        output_column: Column that receives the clean text.
        config: Cleaner options.
        provenance: ``full``, ``summary`` or ``none`` (see
            :func:`cleaner.records.shape_provenance`).
        keep_headline: Keep the headline in the text (``None``: as ``config``
            says; see :meth:`cleaner.CleanerConfig.scoped`).
        keep_comments: Keep readers' comments (``None``: as ``config`` says).

    Raises:
        cleaner.RulePackError: A rule pack is invalid.
        cleaner.UnknownSiteError: ``site`` names no loaded pack.
        ValueError: ``provenance`` is not a known level.

    >>> clean = CleanBatch()
    >>> out = clean(pa.table({"id": ["a", "b"], "text": ["Hello.\\n\\nSpread the love", None]}))
    >>> out.column("text").to_pylist(), out.column("error").to_pylist()[1]["message"]
    (['Hello.\\n', None], "row has no value in column 'text'")
    """

    def __init__(
        self,
        rules_dirs: Iterable[str | Path] = (),
        site: str | None = None,
        *,
        text_column: str = "text",
        html_column: str | None = None,
        url_column: str | None = None,
        output_column: str = "text",
        config: CleanerConfig | None = None,
        provenance: ProvenanceLevel = "full",
        keep_headline: bool | None = None,
        keep_comments: bool | None = None,
    ) -> None:
        if provenance not in PROVENANCE_LEVELS:
            raise ValueError(f"provenance must be one of {', '.join(PROVENANCE_LEVELS)}")
        self.provenance = provenance
        scope = {"keep_headline": keep_headline, "keep_comments": keep_comments}
        self.cleaner = Cleaner(rules_dirs, config=(config or CleanerConfig()).scoped(**scope))
        self.cleaner.registry.require(site)
        self.site = site
        self.input_column = html_column or text_column
        self.html = html_column is not None
        self.url_column = url_column
        self.output_column = output_column

    def __call__(self, batch: Any) -> Any:
        """Clean a ``pyarrow.Table`` or ``pandas.DataFrame``; return one of the same type.

        Raises:
            KeyError: The batch lacks the input or URL column.
            TypeError: The batch is neither a pyarrow table nor a pandas frame.
        """
        if isinstance(batch, pa.Table):
            columns = self.clean_columns(
                self._arrow_column(batch, self.input_column),
                self._arrow_column(batch, self.url_column) if self.url_column else None,
            )
            for index, column in enumerate(batch.columns):
                if pa.types.is_null(column.type):
                    batch = batch.set_column(
                        index, batch.field(index).name, column.cast(pa.string())
                    )
            columns["metadata"] = [metadata_to_arrow(v) for v in columns["metadata"]]
            columns["provenance"] = [provenance_to_arrow(v) for v in columns["provenance"]]
            for name, values in columns.items():
                array = pa.array(values, type=_TYPES.get(name, pa.string()))
                index = batch.schema.get_field_index(name)
                if index >= 0:
                    batch = batch.set_column(index, name, array)
                else:
                    batch = batch.append_column(name, array)
            return batch
        pandas = sys.modules.get("pandas")
        if pandas is not None and isinstance(batch, pandas.DataFrame):
            columns = self.clean_columns(
                self._pandas_column(batch, self.input_column),
                self._pandas_column(batch, self.url_column) if self.url_column else None,
            )
            columns["provenance"] = [provenance_to_arrow(v) for v in columns["provenance"]]
            return batch.assign(**columns)
        raise TypeError(
            f"cannot clean a batch of type {type(batch).__name__}: "
            "use batch_format='pyarrow' or 'pandas'"
        )

    @staticmethod
    def _arrow_column(batch: pa.Table, name: str) -> list[Any]:
        if name not in batch.column_names:
            raise KeyError(f"no column {name!r} in the dataset (columns: {batch.column_names})")
        values: list[Any] = batch.column(name).to_pylist()
        return values

    @staticmethod
    def _pandas_column(batch: Any, name: str) -> list[Any]:
        if name not in batch.columns:
            raise KeyError(f"no column {name!r} in the dataset (columns: {list(batch.columns)})")
        column = batch[name]
        # Nulls as None, whatever pandas made of them (None, NaN, NA).
        return [None if na else v for v, na in zip(column.tolist(), column.isna(), strict=True)]

    def clean_columns(
        self, values: Sequence[Any], urls: Sequence[Any] | None = None
    ) -> dict[str, list[Any]]:
        """Clean a column of documents; return the output columns by name."""
        out: dict[str, list[Any]] = {name: [] for name in (self.output_column, *OUTPUT_COLUMNS)}
        for i, value in enumerate(values):
            url = None if urls is None or urls[i] is None else str(urls[i]) or None
            try:
                result = self.clean_value(value, url)
            except Exception as exc:
                # One bad row is recorded, never fatal to a job of millions:
                # undecodable bytes, a missing value, a document over the limit.
                row: tuple[Any, ...] = (None, None, None, error_info(exc))
            else:
                provenance = (
                    None
                    if self.provenance == "none"
                    else shape_provenance(result.provenance, self.provenance)
                )
                row = (result.text, result.metadata, provenance, None)
            for column, cell in zip(out.values(), row, strict=True):
                column.append(cell)
        return out

    def clean_value(self, value: Any, url: str | None) -> Result:
        """Clean one cell of the input column.

        Raises:
            ValueError: The cell is null, or cannot be decoded or cleaned.
            TypeError: The cell is neither text nor (for HTML) bytes.
        """
        if value is None:
            raise ValueError(f"row has no value in column {self.input_column!r}")
        if self.html:
            if not isinstance(value, str | bytes):
                raise TypeError(f"HTML must be str or bytes, not {type(value).__name__}")
            return self.cleaner.clean_html(value, url=url, site=self.site)
        if not isinstance(value, str):
            raise TypeError(f"text must be str, not {type(value).__name__}")
        return self.cleaner.clean(value, url=url, site=self.site)


class PartitionCleaner:
    """A picklable :class:`CleanBatch` for other engines: each process builds its own once.

    Dask's ``map_partitions`` and Spark's ``mapInPandas`` ship the function they
    are given to their workers; this one carries only its arguments and builds
    the :class:`CleanBatch` (rule packs compiled) on its first batch in each
    process, then reuses it::

        clean = PartitionCleaner(url_column="url")
        ddf.map_partitions(clean, meta=clean.meta(ddf._meta))     # Dask
        sdf.mapInPandas(clean.batches, schema=...)                 # Spark (see schema)

    Args:
        **options: The arguments of :class:`CleanBatch`.
    """

    def __init__(self, **options: Any) -> None:
        CleanBatch(**options)  # fail here, on the driver, rather than in every worker
        self.options = options
        self._batch: CleanBatch | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"options": self.options, "_batch": None}

    def __call__(self, batch: Any) -> Any:
        """Clean one pandas frame or pyarrow table (see :meth:`CleanBatch.__call__`)."""
        if self._batch is None:
            self._batch = CleanBatch(**self.options)
        return self._batch(batch)

    def batches(self, frames: Iterable[Any]) -> Iterable[Any]:
        """Clean an iterator of frames (the function Spark's ``mapInPandas`` takes)."""
        for frame in frames:
            yield self(frame)

    def schema(self, schema: pa.Schema) -> pa.Schema:
        """Return the Arrow schema of the batches cleaned from batches of ``schema``.

        Spark's ``mapInPandas`` needs the output schema up front::

            from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
            out = from_arrow_schema(clean.schema(to_arrow_schema(sdf.schema)))
            sdf.mapInPandas(clean.batches, schema=out)

        >>> PartitionCleaner().schema(pa.schema([("id", pa.int64()), ("text", pa.string())])).names
        ['id', 'text', 'metadata', 'provenance', 'error']
        """
        output = self.options.get("output_column", "text")
        types = {output: pa.string(), **_TYPES}
        fields = [pa.field(f.name, types[f.name]) if f.name in types else f for f in schema]
        fields += [pa.field(name, types[name]) for name in types if name not in schema.names]
        return pa.schema(fields)

    def meta(self, frame: Any) -> Any:
        """Return an empty pandas frame with the output columns (Dask's ``meta``)."""
        names = (self.options.get("output_column", "text"), *OUTPUT_COLUMNS)
        out = frame.iloc[:0].assign(**{name: [] for name in names})
        return out.astype(dict.fromkeys(names, object))


def clean_dataset(
    ds: Dataset,
    *,
    concurrency: int | tuple[int, int] | None = None,
    num_cpus: float = 1,
    batch_size: int = 64,
    batch_format: str = "pyarrow",
    **options: Any,
) -> Dataset:
    """Return ``ds`` with its rows cleaned by a pool of :class:`CleanBatch` actors.

    Lazy like every Ray Data transform: nothing runs until the dataset is
    consumed (``write_parquet``, ``iter_rows``...).  The packs are loaded once
    here first, so an invalid pack or unknown site fails before any work.

    Args:
        ds: The input dataset.
        concurrency: Actors: a fixed number, a ``(min, max)`` autoscaling range,
            or ``None`` for Ray's default (autoscaling from one).
        num_cpus: CPUs reserved per actor.  With a fixed ``concurrency``, leave
            CPUs for the read and write tasks: actors holding every CPU starve
            the reads that feed them.
        batch_size: Rows per batch handed to an actor.
        batch_format: ``"pyarrow"`` or ``"pandas"``.
        **options: The arguments of :class:`CleanBatch` (``rules_dirs``,
            ``site``, ``text_column``, ``html_column``, ``url_column``,
            ``output_column``, ``config``, ``provenance``, ``keep_headline``,
            ``keep_comments``).  Rule-pack folders must be readable at the same
            path on every node (ship them with the job's ``working_dir``).

    Raises:
        cleaner.RulePackError: A rule pack is invalid.
        cleaner.UnknownSiteError: ``site`` names no loaded pack.
        TypeError: An option :class:`CleanBatch` does not take.
    """
    from ray.data import ActorPoolStrategy  # noqa: PLC0415 (Ray is imported only when used)

    if "rules_dirs" in options:
        options["rules_dirs"] = [str(d) for d in options["rules_dirs"]]
    CleanBatch(**options)  # fail here, on the driver, rather than in every actor
    if isinstance(concurrency, tuple):
        compute = ActorPoolStrategy(min_size=concurrency[0], max_size=concurrency[1])
    elif concurrency is not None:
        compute = ActorPoolStrategy(size=concurrency)
    else:
        compute = None
    return ds.map_batches(
        CleanBatch,
        fn_constructor_kwargs=options,
        compute=compute,
        num_cpus=num_cpus,
        batch_size=batch_size,
        batch_format=batch_format,
    )
