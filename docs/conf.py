"""Sphinx configuration for sklearn_xrd (builds offline)."""

import os
import sys
import warnings

sys.path.insert(0, os.path.abspath(".."))

import sklearn_xrd

project = "sklearn_xrd"
author = "sklearn_xrd developers"
copyright = "2026, sklearn_xrd developers"
release = sklearn_xrd.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "sg_execution_times.rst",
]
html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

warnings.filterwarnings(
    "ignore", category=UserWarning, message="Matplotlib is currently using agg"
)
