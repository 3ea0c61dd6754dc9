"""The store: validated snapshots on disk and the run log beside them.

Layout of a store folder (git-ignored)::

    store/
      CURRENT                      id of the snapshot readers use (replaced atomically)
      snapshots/<id>/manifest.json what the snapshot holds and where each dataset came from
      snapshots/<id>/<dataset>.parquet
      snapshots/<id>/quarantine/<dataset>.parquet
      runlog.sqlite                every refresh, dataset and expectation result (SQLAlchemy)
"""

from store.snapshots import (
    DatasetEntry,
    Snapshot,
    SnapshotNotFoundError,
    current_snapshot,
    list_snapshots,
    open_snapshot,
    prune_snapshots,
    write_snapshot,
)

__all__ = [
    "DatasetEntry",
    "Snapshot",
    "SnapshotNotFoundError",
    "current_snapshot",
    "list_snapshots",
    "open_snapshot",
    "prune_snapshots",
    "write_snapshot",
]
