"""The store: validated snapshots on disk and the run log beside them.

Layout of a store folder (git-ignored)::

    store/
      CURRENT                      id of the snapshot readers use (replaced atomically)
      snapshots/<id>/manifest.json what the snapshot holds and where each dataset came from
      snapshots/<id>/<dataset>.parquet
      snapshots/<id>/quarantine/<dataset>.parquet
      snapshots/<id>/data_docs.zip the refresh's Great Expectations Data Docs
      snapshots/.tmp-<id>-<pid>/   a snapshot being written (removed if its writer died)
      .refresh.lock                held by the one refresh writing (store.lock)
      runlog.sqlite                every refresh, dataset and expectation result (SQLAlchemy)
"""
