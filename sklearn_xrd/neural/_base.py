"""The scikit-learn estimator shared by the networks: it owns a skorch net."""

import functools
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from sklearn_compat.base import _fit_context
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from ..utils._param_validation import Interval, StrOptions
from ..utils._validation import check_finite_rows, validate_patterns
from ._focal_loss import FocalLoss

# Validation share used when ``early_stopping`` is set but
# ``validation_fraction`` is not.
_DEFAULT_VALIDATION_FRACTION = 0.1

# Keys of skorch's history kept in ``history_``, under our names.
_HISTORY_KEYS = {
    "epoch": "epoch",
    "train_loss": "train_loss",
    "valid_loss": "valid_loss",
    "valid_acc": "valid_accuracy",
    "dur": "duration",
}


def _check_units(value, name):
    """``int`` or a sequence of positive ints -> tuple of int (ValueError else)."""
    units = (value,) if isinstance(value, Integral) else tuple(value)
    if not all(isinstance(u, Integral) and u >= 1 for u in units):
        raise ValueError(f"{name} must hold positive integers; got {value!r}")
    return tuple(int(u) for u in units)


def _resolve_device(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but CUDA is not available")
    return device


class BaseNeuralClassifier(
    ClassNamePrefixFeaturesOutMixin, ClassifierMixin, TransformerMixin, BaseEstimator
):
    """Base of the network classifiers: validation, labels, seeding, the net.

    A classifier that is also a transformer, like
    :class:`~sklearn.discriminant_analysis.LinearDiscriminantAnalysis`:
    ``transform`` gives the penultimate-layer features, named
    ``<classname>0``, ``<classname>1``, ... by ``get_feature_names_out``.
    Subclasses define ``_module_class`` and ``_module_params(n_features,
    n_classes)`` and list their own parameters in ``_parameter_constraints``.
    Not meant to be used directly.
    """

    _parameter_constraints: dict = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "loss": [StrOptions({"cross_entropy", "focal"})],
        "focal_gamma": [Interval(Real, 0, None, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "early_stopping": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    _module_class = None

    def _module_params(self, n_features, n_classes):
        raise NotImplementedError

    # -- fit -----------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on patterns ``X`` with labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Patterns (one per row) or peak-feature vectors; any width.
        y : array-like of shape (n_samples,)
            Class labels, strings (such as ``"cubic"``) or integers.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float32, np.float64],
            ensure_all_finite=False,
            ensure_min_samples=2,
        )
        check_finite_rows(X)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; "
                f"got 1 class ({self.classes_[0]!r})"
            )
        y_enc = encoder.transform(y).astype(np.int64)
        X = np.array(X, dtype=np.float32, order="C")  # writable, contiguous

        device = _resolve_device(self.device)
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        net = NeuralNetClassifier(
            self._module_class,
            **{
                f"module__{k}": v
                for k, v in self._module_params(X.shape[1], n_classes).items()
            },
            **self._criterion_params(y_enc),
            optimizer=torch.optim.Adam,
            optimizer__weight_decay=self.weight_decay,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train__shuffle=True,
            train_split=self._train_split(y_enc, seed),
            callbacks=self._callbacks(),
            predict_nonlinearity=functools.partial(torch.softmax, dim=-1),
            classes=np.arange(n_classes),
            device=device,
            verbose=self.verbose,
        )
        devices = [torch.cuda.current_device()] if device == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            net.fit(X, y_enc)
        self.net_ = net

        module = net.module_
        self.n_parameters_ = int(sum(p.numel() for p in module.parameters()))
        self.model_size_bytes_ = int(
            sum(t.numel() * t.element_size() for t in module.parameters())
            + sum(t.numel() * t.element_size() for t in module.buffers())
        )
        self.history_ = [
            {
                ours: _plain(row[theirs])
                for theirs, ours in _HISTORY_KEYS.items()
                if theirs in row
            }
            for row in net.history
        ]
        self.n_iter_ = len(self.history_)
        return self

    def _validation_fraction(self):
        if self.validation_fraction is not None:
            return self.validation_fraction
        if self.early_stopping is not None:
            return _DEFAULT_VALIDATION_FRACTION
        return None

    def _train_split(self, y_enc, seed):
        """A seeded skorch ``ValidSplit``, stratified when the classes allow."""
        fraction = self._validation_fraction()
        if fraction is None:
            return None
        n_samples = len(y_enc)
        n_classes = int(y_enc.max()) + 1
        n_valid = int(np.ceil(fraction * n_samples))
        stratified = (
            np.bincount(y_enc).min() >= 2
            and n_valid >= n_classes
            and n_samples - n_valid >= n_classes
        )
        return ValidSplit(fraction, stratified=bool(stratified), random_state=seed)

    def _class_weights(self, y_enc):
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(self.classes_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight names classes {sorted(map(str, unknown))} that "
                    f"are not in y; classes are {self.classes_.tolist()}"
                )
        weights = compute_class_weight(
            self.class_weight, classes=self.classes_, y=self.classes_[y_enc]
        )
        return weights.astype(np.float32)

    def _criterion_params(self, y_enc):
        weights = self._class_weights(y_enc)
        if self.loss == "focal":
            return {
                "criterion": FocalLoss,
                "criterion__alpha": weights,
                "criterion__gamma": self.focal_gamma,
            }
        return {
            "criterion": torch.nn.CrossEntropyLoss,
            "criterion__weight": None if weights is None else torch.tensor(weights),
        }

    def _callbacks(self):
        if self.early_stopping is None:
            return None
        return [
            (
                "early_stopping",
                EarlyStopping(
                    monitor="valid_loss",
                    patience=self.early_stopping,
                    load_best=True,
                    sink=print if self.verbose else _silent,
                ),
            )
        ]

    # -- predict -------------------------------------------------------------

    def _validate_X(self, X):
        check_is_fitted(self)
        X = validate_patterns(self, X, reset=False)
        return np.array(X, dtype=np.float32, order="C")

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits), whatever the loss.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; each row sums to one.
        """
        X = self._validate_X(X)
        # torch's DataLoader draws a seed from the global generator: keep it
        with torch.random.fork_rng(devices=[]):
            proba = self.net_.predict_proba(X).astype(np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable class of each pattern.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)  # checks that the model is fitted first
        return self.classes_[proba.argmax(axis=1)]

    def transform(self, X):
        """Penultimate-layer features, the input of the output layer.

        Use them to look at what the network learnt, e.g. with
        :class:`sklearn.manifold.TSNE`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        features : ndarray of shape (n_samples, n_hidden)
            ``float32``; ``n_hidden`` depends on the architecture.
        """
        X = self._validate_X(X)
        net = self.net_
        module = net.module_
        was_training = module.training
        module.eval()
        out = []
        try:
            with torch.no_grad(), torch.random.fork_rng(devices=[]):
                iterator = net.get_iterator(net.get_dataset(X), training=False)
                for batch_X, _ in iterator:
                    batch_X = batch_X.to(net.device)
                    out.append(module.features(batch_X).cpu().numpy())
        finally:
            module.train(was_training)
        return np.concatenate(out, axis=0)

    @property
    def _n_features_out(self):
        """Width of ``transform``'s output (for ``get_feature_names_out``)."""
        return self.net_.module_.head.in_features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        # transform computes in float32 whatever the input dtype
        tags.transformer_tags.preserves_dtype = []
        tags.non_deterministic = self.device != "cpu" and torch.cuda.is_available()
        return tags


def _plain(value):
    """numpy scalars from skorch's history as Python numbers."""
    return value.item() if isinstance(value, np.generic) else value


def _silent(*args, **kwargs):
    """A ``sink`` that prints nothing (picklable, unlike a lambda)."""


_COMMON_PARAMETERS = """max_epochs : int, default=30
        Passes over the training data (fewer with ``early_stopping``).
    lr : float, default=1e-3
        Learning rate of the Adam optimiser.
    batch_size : int, default=64
        Samples per gradient step, and per batch at predict time.
    weight_decay : float, default=0.0
        L2 penalty of the Adam optimiser.
    loss : {"cross_entropy", "focal"}, default="cross_entropy"
        Training loss: :class:`torch.nn.CrossEntropyLoss` or
        :class:`~sklearn_xrd.neural.FocalLoss`.
    focal_gamma : float, default=2.0
        Focusing parameter of the focal loss; unused with ``"cross_entropy"``.
    class_weight : dict, "balanced" or None, default=None
        Weight of each class in the loss: the ``weight`` of the cross-entropy
        or the ``alpha`` of the focal loss. ``"balanced"`` computes
        ``n_samples / (n_classes * np.bincount(y))`` on the training labels
        (:func:`sklearn.utils.class_weight.compute_class_weight`); a dict maps
        labels to weights, missing labels weigh one.
    early_stopping : int or None, default=None
        Patience: stop when the validation loss has not improved for this many
        epochs, and restore the weights of the best epoch. ``None`` trains for
        ``max_epochs``.
    validation_fraction : float or None, default=None
        Share of the training data held out (stratified when every class has
        at least two samples, seeded by ``random_state``) to compute the
        validation loss and accuracy of each epoch. ``None`` holds out
        nothing, unless ``early_stopping`` is set: then 0.1.
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where to train and predict; ``"auto"`` takes CUDA when available.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling, dropout and the
        validation split. Training runs inside :func:`torch.random.fork_rng`,
        so torch's global generator is left as it was. On CPU the same integer
        gives identical predictions.
    verbose : int, default=0
        Print skorch's per-epoch table when positive."""

_COMMON_ATTRIBUTES = """classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    n_features_in_ : int
        Width of the patterns seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    net_ : skorch.NeuralNetClassifier
        The trained skorch net; its ``module_`` is the torch module.
    history_ : list of dict
        One dict per epoch with ``"epoch"``, ``"train_loss"`` and
        ``"duration"`` (seconds); ``"valid_loss"`` and ``"valid_accuracy"``
        too when a validation split is held out (``early_stopping`` or
        ``validation_fraction`` set).
    n_iter_ : int
        Number of epochs run.
    n_parameters_ : int
        Number of trainable weights of the network.
    model_size_bytes_ : int
        Bytes of the weights and buffers (4 per float32 value)."""


def _fill_doc(cls):
    """Put the parameters and attributes shared by all networks in a docstring."""
    cls.__doc__ = cls.__doc__.replace(
        "%(common_parameters)s", _COMMON_PARAMETERS
    ).replace("%(common_attributes)s", _COMMON_ATTRIBUTES)
    return cls
