"""scikit-learn's parameter constraints, imported in one place.

``Interval``, ``StrOptions`` and ``HasMethods`` describe an estimator's
``_parameter_constraints``, which ``_fit_context`` (from ``sklearn-compat``,
as imbalanced-learn takes it) validates. scikit-learn keeps the constraint
classes in a private module, and neither its public API nor sklearn-compat
0.1.6 re-exports them, so the estimators import them from here: when
scikit-learn moves them, this file alone changes.
"""

from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = ["HasMethods", "Interval", "StrOptions"]
