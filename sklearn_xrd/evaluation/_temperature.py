"""Post-hoc calibration by temperature scaling of predicted probabilities."""

from inspect import signature
from numbers import Integral

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils import get_tags, indexable
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
)
from sklearn_compat.base import _fit_context

from ..utils._param_validation import HasMethods
from ._validation import check_labels_known

# probabilities are clipped here before the log, as sklearn's temperature scaling
_EPS = np.finfo(np.float64).eps
# search range of log(T): T from about 5e-5 to 2e4
_LOG_T_BOUNDS = (-10.0, 10.0)


def _log_proba(proba):
    return np.log(np.clip(np.asarray(proba, dtype=np.float64), _EPS, 1.0))


def _fit_temperature(log_proba, y_index, sample_weight):
    """Temperature minimising the weighted log-loss of ``softmax(log_proba / T)``."""
    rows = np.arange(y_index.shape[0])
    weights = sample_weight / sample_weight.sum()

    def loss(log_t):
        scaled = log_softmax(log_proba * np.exp(-log_t), axis=1)
        return -np.dot(weights, scaled[rows, y_index])

    result = minimize_scalar(
        loss, bounds=_LOG_T_BOUNDS, method="bounded", options={"xatol": 1e-6}
    )
    return float(np.exp(result.x))


class TemperatureScaledClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Calibrate a classifier's probabilities with a single temperature.

    The calibrated probabilities are ``softmax(log(p) / T)`` where ``p`` is the
    wrapped classifier's ``predict_proba`` and the temperature ``T`` minimises
    the log-loss on data the classifier was not trained on. ``T > 1`` softens
    over-confident predictions, ``T < 1`` sharpens under-confident ones. One
    parameter cannot move the arg-max, so :meth:`predict` and accuracy are those
    of the wrapped classifier; only the certainty changes (Guo et al., 2017).

    Parameters
    ----------
    estimator : estimator instance
        A classifier with ``predict_proba``. Wrap an already fitted one in
        :class:`sklearn.frozen.FrozenEstimator` to calibrate it on the data
        given to :meth:`fit` without refitting it (the scikit-learn >= 1.6
        replacement for ``cv="prefit"``); the caller keeps that data disjoint
        from the training data.
    cv : int, cross-validation generator or iterable, default=None
        For an estimator that is not frozen: the splits that produce
        out-of-fold probabilities to fit ``T`` on, after which the estimator
        is refitted on all the data. ``None`` means 5-fold stratified; an int
        is the number of stratified folds. Ignored for a frozen estimator.
    n_jobs : int, default=None
        Jobs for the cross-validated predictions; ``None`` means 1.

    Attributes
    ----------
    estimator_ : estimator instance
        The classifier whose probabilities are rescaled: the frozen one, or a
        clone fitted on all the data.
    temperature_ : float
        Fitted temperature ``T``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit (when the estimator records it).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (when ``X`` has string column names).

    See Also
    --------
    sklearn.calibration.CalibratedClassifierCV : Sigmoid, isotonic and
        temperature calibration with an ensemble over folds.
    ReliabilityDisplay : Reliability diagram to check the result.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn.naive_bayes import GaussianNB
    >>> X, y = make_classification(n_samples=300, n_informative=3, n_classes=3,
    ...                            random_state=0)
    >>> model = GaussianNB().fit(X[:200], y[:200])
    >>> calibrated = TemperatureScaledClassifier(FrozenEstimator(model))
    >>> calibrated.fit(X[200:], y[200:]).temperature_ > 1
    True
    >>> bool((calibrated.predict(X) == model.predict(X)).all())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator, *, cv=None, n_jobs=None):
        self.estimator = estimator
        self.cv = cv
        self.n_jobs = n_jobs

    @_fit_context(
        # the wrapped estimator validates its own parameters when it is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator (unless frozen) and the temperature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (calibration data for a frozen estimator).
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights for the temperature's log-loss, and for the estimator's
            ``fit`` when it accepts them.
        **fit_params : dict
            Further parameters for the estimator's ``fit``.

        Returns
        -------
        self : object
            Fitted calibrator.
        """
        check_classification_targets(y)
        X, y = indexable(X, y)
        y = column_or_1d(y, warn=True)
        weights = _check_sample_weight(sample_weight, y)
        if isinstance(self.estimator, FrozenEstimator):
            self.estimator_ = self.estimator
            proba = self.estimator_.predict_proba(X)
            self.classes_ = np.asarray(self.estimator_.classes_)
            check_labels_known(y, self.classes_, what="y")
        else:
            fit_kwargs = dict(fit_params)
            accepts_weights = (
                "sample_weight" in signature(self.estimator.fit).parameters
            )
            if sample_weight is not None and accepts_weights:
                fit_kwargs["sample_weight"] = weights
            cv = check_cv(self.cv, y, classifier=True)
            n_folds = cv.get_n_splits(X, y)
            _, counts = np.unique(y, return_counts=True)
            if counts.min() < n_folds:
                raise ValueError(
                    f"Requesting {n_folds}-fold cross-validation but at least one "
                    f"class has fewer than {n_folds} samples."
                )
            proba = cross_val_predict(
                clone(self.estimator),
                X,
                y,
                cv=cv,
                method="predict_proba",
                n_jobs=self.n_jobs,
                params=fit_kwargs,
            )
            self.estimator_ = clone(self.estimator).fit(X, y, **fit_kwargs)
            self.classes_ = np.asarray(self.estimator_.classes_)
        sorter = np.argsort(self.classes_)
        y_index = sorter[np.searchsorted(self.classes_, y, sorter=sorter)]
        self.temperature_ = _fit_temperature(_log_proba(proba), y_index, weights)
        for attribute in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attribute):
                setattr(self, attribute, getattr(self.estimator_, attribute))
        return self

    def predict_proba(self, X):
        """Temperature-scaled probabilities ``softmax(log(p) / T)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Calibrated probabilities; rows sum to 1.
        """
        check_is_fitted(self)
        log_proba = _log_proba(self.estimator_.predict_proba(X))
        return softmax(log_proba / self.temperature_, axis=1)

    def predict(self, X):
        """Predicted class: the arg-max, identical to the wrapped estimator's.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator_tags = get_tags(self.estimator)
        tags.input_tags.sparse = estimator_tags.input_tags.sparse
        tags.input_tags.allow_nan = estimator_tags.input_tags.allow_nan
        return tags
