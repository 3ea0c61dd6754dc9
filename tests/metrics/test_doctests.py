"""The examples in the metrics docstrings run and give the numbers they show."""

import doctest
import importlib
import pkgutil

import pytest

import metrics

MODULES = sorted(m.name for m in pkgutil.iter_modules(metrics.__path__, "metrics."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_metrics_never_imports_streamlit():
    import sys

    for name in MODULES:
        importlib.import_module(name)
    assert "streamlit" not in sys.modules or not any(
        "streamlit" in (getattr(sys.modules[name], "__file__", "") or "") for name in MODULES
    )
