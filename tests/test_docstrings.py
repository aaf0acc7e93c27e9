"""Every public class and function documents exactly the parameters it takes."""

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

import sklearn_xrd

#: Every family of the package, a new one included.
SUBPACKAGES = [m.name for m in pkgutil.iter_modules(sklearn_xrd.__path__) if m.ispkg]


def _public_objects():
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"sklearn_xrd.{sub}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"sklearn_xrd.{sub}.{name}", obj


@pytest.mark.parametrize(
    "name, obj", list(_public_objects()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_parameters_are_documented(name, obj):
    doc = ClassDoc(obj) if inspect.isclass(obj) else FunctionDoc(obj)
    target = obj.__init__ if inspect.isclass(obj) else obj
    signature = [
        p.name
        for p in inspect.signature(target).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    documented = [p.name for p in doc["Parameters"]]
    flat = [n.strip() for entry in documented for n in entry.split(",")]
    flat = [n for n in flat if not n.startswith("*")]  # *args, **kwargs
    assert flat == signature, f"{name}: documented {flat}, signature {signature}"
    assert doc["Summary"], f"{name} has no summary line"
