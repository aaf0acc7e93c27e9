"""Fixed-width Gaussian broadening of patterns."""

from numbers import Real

import numpy as np
from scipy.ndimage import gaussian_filter1d
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn_compat.base import _fit_context

from ..utils._param_validation import Interval
from ..utils._validation import validate_patterns

# FWHM = 2 sqrt(2 ln 2) sigma
FWHM_TO_SIGMA = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))


class GaussianBroadening(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Convolve each pattern with a Gaussian of fixed FWHM (degrees 2-theta).

    The study's peak shape: every stick becomes a Gaussian of the same width
    at every angle. Peak areas are kept (the kernel sums to one), so a stick of
    height 1 becomes a peak of height about ``step / (1.0645 * fwhm)``. For
    angle-dependent widths (Caglioti, Scherrer) and Lorentzian tails use
    :class:`~sklearn_xrd.preprocessing.PseudoVoigtProfile`.

    Parameters
    ----------
    fwhm : float, default=0.1
        Full width at half maximum, in degrees 2-theta.
    step : float, default=0.02
        Spacing of the input grid, in degrees.

    Attributes
    ----------
    n_features_in_ : int
        Number of grid points seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    CIFToPattern : Stick patterns from structures.
    Normalizer : Rescale each pattern.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 7)); X[0, 3] = 1.0
    >>> GaussianBroadening(fwhm=0.05, step=0.02).fit_transform(X).round(3)
    array([[0.007, 0.064, 0.241, 0.376, 0.241, 0.064, 0.007]])
    """

    _parameter_constraints: dict = {
        "fwhm": [Interval(Real, 0, None, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, fwhm=0.1, *, step=0.02):
        self.fwhm = fwhm
        self.step = step

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and record its width.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)
            Patterns on a grid of spacing ``step``.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        validate_patterns(self, X, reset=True)
        return self

    def transform(self, X):
        """Broaden each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bins)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_bins)
        """
        X = validate_patterns(self, X, reset=False)
        sigma = self.fwhm * FWHM_TO_SIGMA / self.step
        return gaussian_filter1d(X, sigma, axis=1, mode="constant", truncate=5.0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
