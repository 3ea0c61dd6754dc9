"""Live mode for sql sources: the warehouse filters and aggregates, the app gets small results.

Refresh mode copies a source into the store; live mode leaves the rows where
they are. This package builds every statement with SQLAlchemy Core and brings
back only what a page shows:

- ``live_aggregate``: a dataset's day aggregate (``survey_counts``,
  ``contact_counts``, ``order_counts``) over the periods a page needs, with
  segment filters and splits, rows failing the contract's row rules left out;
  the metrics engine computes KPIs from it exactly as from raw rows;
- ``verbatims_page`` / ``quarantine_page``: one page of comments or of rows
  breaking a rule (with the reasons), newest first, with the total for the
  pager; ``quarantine_reason_counts``: rows per reason, in one query;
- ``validate_live_source``: the dataset's contract run as SQL by Great
  Expectations in the source's database (``validation.sql``).

Modules: ``relation`` (a dataset as a SQLAlchemy relation with canonical
names), ``bounds`` (reporting-zone day ranges as SQL comparisons), ``rules``
(contract rules as SQL), ``sqltime`` (elapsed hours per dialect),
``aggregate`` and ``rows``. docs/SCALING.md explains what runs where.
"""
