"""Per-pattern scaling."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn_compat.base import _fit_context

from ..utils._param_validation import StrOptions
from ..utils._validation import validate_patterns


class Normalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each pattern to unit maximum, unit area or unit Euclidean norm.

    Measured and simulated patterns come on arbitrary intensity scales
    (counts, arbitrary units, 0-100); a model should see their shape only.
    Unlike :class:`sklearn.preprocessing.Normalizer`, ``norm="max"`` is the
    default and ``"area"`` is offered. A pattern that is zero everywhere stays
    zero.

    Parameters
    ----------
    norm : {"max", "area", "l2"}, default="max"
        ``"max"``: divide by the largest absolute value (the strongest peak
        becomes 1); ``"area"``: divide by the sum of absolute values (the
        integrated intensity on the grid becomes 1); ``"l2"``: divide by the
        Euclidean norm.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    GaussianBroadening : Peak shapes before normalising.

    Examples
    --------
    >>> import numpy as np
    >>> Normalizer().fit_transform(np.array([[0.0, 50.0, 100.0]]))
    array([[0. , 0.5, 1. ]])
    >>> Normalizer(norm="area").fit_transform(np.array([[1.0, 3.0]]))
    array([[0.25, 0.75]])
    """

    _parameter_constraints: dict = {"norm": [StrOptions({"max", "area", "l2"})]}

    def __init__(self, norm="max"):
        self.norm = norm

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and record its width.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        validate_patterns(self, X, reset=True)
        return self

    def transform(self, X):
        """Scale each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        X = validate_patterns(self, X, reset=False)
        absx = np.abs(X)
        if self.norm == "max":
            scale = absx.max(axis=1)
        elif self.norm == "area":
            scale = absx.sum(axis=1)
        else:
            scale = np.sqrt((X * X).sum(axis=1))
        scale = np.where(scale > 0, scale, 1.0).astype(X.dtype)
        return X / scale[:, None]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
