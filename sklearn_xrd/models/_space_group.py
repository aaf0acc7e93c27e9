"""Space groups as crystal system x group within the system."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)
from sklearn_compat.base import _fit_context

from ..utils import crystal_system_from_space_group
from ..utils._param_validation import HasMethods, Interval, StrOptions


class HierarchicalSpaceGroupClassifier(ClassifierMixin, BaseEstimator):
    """Space group from features: P(group) = P(system) x P(group | system).

    One classifier tells the crystal system; for each system, another tells
    the group among that system's groups seen in training, learning from that
    system's rows only. The product is a distribution over the groups whose
    sum over a system's groups is that system's probability, so the most
    probable group and the reported system always agree when the system is
    taken from the same probabilities, and another system model (a calibrated
    one, or one adjusted to a prior) can replace the first factor through
    :meth:`predict_proba_given_system`. A group that is rare in training keeps
    a share of its system's probability (``smoothing``), so it can still enter
    a top-k list or a prediction set.

    Parameters
    ----------
    estimator : classifier, default=None
        Cloned for the crystal system and for each system's groups;
        ``None`` means ``HistGradientBoostingClassifier(max_iter=100,
        class_weight="balanced")``.
    system_weight : {"balanced"} or None, default="balanced"
        Weigh the crystal systems equally when fitting the system classifier
        (rows get ``n / (n_systems * n_in_system)``), or not.
    smoothing : float, default=0.02
        Share of each system's probability spread over its training groups
        by their training frequency, added to the within-system classifier's.
    parent : callable, default=None
        Maps an array of labels to the array of their parents (the level
        above, compared as strings); ``None`` means space-group numbers (1
        to 230) under their crystal systems
        (:func:`~sklearn_xrd.utils.crystal_system_from_space_group`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Space-group numbers seen in training, ascending.
    systems_ : ndarray of shape (n_systems,)
        Crystal systems (parents) seen in training, sorted.
    class_system_ : ndarray of shape (n_classes,)
        Crystal system of each class.
    system_estimator_ : classifier or None
        The fitted crystal-system classifier (``None`` with one system).
    group_estimators_ : dict of str to classifier or None
        The fitted within-system classifiers (``None`` for a system with
        one group).
    group_prior_ : dict of str to ndarray
        Training frequency of each system's groups.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([14, 15, 62, 225, 229], 20)
    >>> X = y[:, None] + rng.normal(size=(100, 3))
    >>> clf = HierarchicalSpaceGroupClassifier(DecisionTreeClassifier(random_state=0))
    >>> clf.fit(X, y).predict(X[:3]).tolist()
    [14, 14, 14]
    >>> proba = clf.predict_proba(X[:1])
    >>> round(float(proba.sum()), 6), clf.class_system_.tolist()[:2]
    (1.0, ['monoclinic', 'monoclinic'])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "system_weight": [StrOptions({"balanced"}), None],
        "smoothing": [Interval(Real, 0, 1, closed="both")],
        "parent": [callable, None],
    }

    def __init__(
        self, estimator=None, *, system_weight="balanced", smoothing=0.02, parent=None
    ):
        self.estimator = estimator
        self.system_weight = system_weight
        self.smoothing = smoothing
        self.parent = parent

    def _parents(self, y):
        if self.parent is None:
            if not np.all(np.equal(np.mod(y, 1), 0)):
                raise ValueError("y must hold integer space-group numbers (1-230)")
            systems = crystal_system_from_space_group(y.astype(int))
            return np.asarray(systems).astype(str).reshape(-1)
        parents = np.asarray(self.parent(y)).astype(str).reshape(-1)
        if parents.shape != y.shape:
            raise ValueError(
                f"parent gave {parents.shape[0]} values for {len(y)} labels"
            )
        return parents

    def _base(self):
        if self.estimator is None:
            return HistGradientBoostingClassifier(
                max_iter=100, class_weight="balanced", random_state=0
            )
        return self.estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the system classifier and one group classifier per system.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Space-group numbers, 1 to 230.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, passed to every classifier.

        Returns
        -------
        self : HierarchicalSpaceGroupClassifier
        """
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        y = np.asarray(y)
        if self.parent is None and np.issubdtype(y.dtype, np.floating):
            y = y.astype(int)
        systems = self._parents(y)
        weight = (
            np.ones(len(y))
            if sample_weight is None
            else _check_sample_weight(sample_weight, X)
        )
        self.classes_ = np.unique(y)
        self.class_system_ = self._parents(self.classes_)
        self.systems_ = np.unique(systems)
        system_weight = weight.copy()
        if self.system_weight == "balanced":
            for s in self.systems_:
                rows = systems == s
                system_weight[rows] *= len(y) / (len(self.systems_) * rows.sum())
        if len(self.systems_) > 1:
            self.system_estimator_ = clone(self._base()).fit(
                X, systems, sample_weight=system_weight
            )
        else:  # one system: probability 1
            self.system_estimator_ = None
        self.group_estimators_ = {}
        self.group_prior_ = {}
        for s in self.systems_:
            rows = systems == s
            groups = np.unique(y[rows])
            counts = np.array([weight[rows][y[rows] == g].sum() for g in groups])
            total = counts.sum()
            self.group_prior_[s] = (
                counts / total if total > 0 else np.full(len(groups), 1 / len(groups))
            )
            if len(groups) == 1:  # one group: probability 1
                self.group_estimators_[s] = None
            else:
                self.group_estimators_[s] = clone(self._base()).fit(
                    X[rows], y[rows], sample_weight=weight[rows]
                )
        return self

    def predict_system_proba(self, X):
        """Crystal-system probabilities, columns in ``systems_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_systems)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        if self.system_estimator_ is None:
            return np.ones((len(X), 1))
        proba = self.system_estimator_.predict_proba(X)
        order = [list(self.system_estimator_.classes_).index(s) for s in self.systems_]
        return proba[:, order]

    def predict_group_proba(self, X):
        """P(group | its crystal system), columns in ``classes_`` order.

        Each system's columns sum to 1.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        out = np.zeros((len(X), len(self.classes_)))
        for s in self.systems_:
            columns = np.flatnonzero(self.class_system_ == s)
            estimator = self.group_estimators_[s]
            p = (
                np.ones((len(X), 1))
                if estimator is None
                else estimator.predict_proba(X)
            )
            out[:, columns] = (1 - self.smoothing) * p + self.smoothing * (
                self.group_prior_[s]
            )
        return out

    def predict_proba_given_system(self, X, system_proba, systems=None):
        """Group probabilities with the crystal-system factor given.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        system_proba : array-like of shape (n_samples, n_given)
            Crystal-system probabilities from any model (rows sum to 1).
        systems : array-like of str of shape (n_given,), default=None
            Their column names; ``None`` means ``systems_``. A given system
            without groups in training passes its probability to no group,
            and the rows are renormalised.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self.combine(self.predict_group_proba(X), system_proba, systems)

    def combine(self, group_proba, system_proba, systems=None):
        """P(system) x P(group | system) from both factors, already computed.

        What :meth:`predict_proba_given_system` returns, for callers that
        combine one :meth:`predict_group_proba` with several system factors
        (before and after a prior).

        Parameters
        ----------
        group_proba : ndarray of shape (n_samples, n_classes)
            From :meth:`predict_group_proba`.
        system_proba : array-like of shape (n_samples, n_given)
            Crystal-system probabilities (rows sum to 1).
        systems : array-like of str of shape (n_given,), default=None
            Their column names; ``None`` means ``systems_``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        group = group_proba
        system_proba = np.asarray(system_proba, dtype=float)
        systems = list(self.systems_ if systems is None else systems)
        if system_proba.shape != (len(group), len(systems)):
            raise ValueError(
                f"system_proba must have shape ({len(group)}, {len(systems)}), "
                f"got {system_proba.shape}"
            )
        column = [systems.index(s) if s in systems else -1 for s in self.class_system_]
        factor = np.where(
            np.asarray(column) >= 0, system_proba[:, np.maximum(column, 0)], 0.0
        )
        proba = factor * group
        total = proba.sum(axis=1, keepdims=True)
        return proba / np.where(total > 0, total, 1.0)

    def predict_proba(self, X):
        """P(group) = P(system) x P(group | system), columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self.predict_proba_given_system(X, self.predict_system_proba(X))

    def predict(self, X):
        """The most probable space group.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
