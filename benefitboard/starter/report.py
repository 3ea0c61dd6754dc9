"""What ``init`` tells the person at the end: the file, each dataset's table, the trial
refresh, the KPIs the dashboard will show and what the others lack, and the time taken.

Why the KPIs come from the dry run and not from the guesses: the guesses say what
should work; the stored snapshot says what does (a mapped column can turn out
empty, a survey can have no answers once validated).
"""

from __future__ import annotations

from benefitboard.secrets import connection_env_var
from benefitboard.starter.init import InitResult


def init_summary(result: InitResult) -> str:
    """The closing lines of ``python -m benefitboard init``."""
    plan = result.plan
    lines = [f"wrote {result.path}"]
    for dataset, guess in plan.guesses.items():
        how = "a query" if guess.needs_query else "its columns"
        lines.append(f"  {dataset:<12} from {guess.table} ({how})")
    for dataset, export in plan.exports.items():
        lines.append(f"  {dataset:<12} from {export.table.name} (a {export.format} export)")
    if not plan.guesses and not plan.exports:
        lines.append("  no table looked like a canonical dataset: see the comments in the file")
    lines.append(
        "  the time zone is UTC until you confirm it (see the file's [workspace] comments)"
    )
    if plan.kind == "sql" and not plan.url:
        lines.append(
            f"  the URL has a password, so the file names connection {plan.source_name!r}: add "
            f"[connections.{plan.source_name}] url = ... to .streamlit/secrets.toml "
            f"(or set {connection_env_var(plan.source_name)})"
        )
    trial = result.dry_run
    timing = f"init {result.inspect_seconds:.1f} s"
    if trial is None:
        lines.append(f"{timing} (no dry refresh)")
        return "\n".join(lines)
    report = trial.report
    lines.append(f"dry refresh into a temporary store: {report.status}")
    for entry in report.datasets:
        line = f"  {entry.dataset:<12} {entry.status:<8} {entry.rows:>10,} rows"
        if entry.quarantined:
            line += f", {entry.quarantined:,} quarantined"
        lines.append(line)
        lines.extend(f"      ! {failure}" for failure in entry.failures)
    shown = ", ".join(k.id for k in trial.shows) or "none"
    lines.append(f"the dashboard will show {len(trial.shows)} KPIs: {shown}")
    if trial.lacking:
        lines.append(f"not shown ({len(trial.lacking)}), for lack of:")
        lines.extend(f"  {item.kpi.id}: {item.needs}" for item in trial.lacking)
    lines.append(f"{timing} + dry refresh {result.refresh_seconds:.1f} s")
    return "\n".join(lines)
