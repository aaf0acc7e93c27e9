"""The five network classifiers: dense, CNN, CNN-LSTM, BiLSTM and transformer."""

from numbers import Integral, Real

from ..utils._param_validation import Interval
from ._base import BaseNeuralClassifier, _check_units, _fill_doc
from ._modules import (
    BiLSTMModule,
    CNNLSTMModule,
    CNNModule,
    DenseModule,
    TransformerModule,
)

_UNITS = ["array-like", Interval(Integral, 1, None, closed="left")]
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
_DROPOUT = [Interval(Real, 0, 1, closed="left")]


@_fill_doc
class DenseClassifier(BaseNeuralClassifier):
    """Fully connected network (multilayer perceptron) trained with skorch.

    The baseline: the pattern, or a vector of peak features, goes straight
    into dense layers. Cheap, and strong on peak features of tens of values.

    Parameters
    ----------
    hidden_units : int or array-like of int, default=(128, 64)
        Width of each hidden layer (ReLU, then dropout); an int is one layer.
        The last one is what ``transform`` returns; empty means no hidden
        layer (a multinomial logistic regression).
    dropout : float, default=0.2
        Dropout probability after each hidden layer.
    %(common_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    See Also
    --------
    CNNClassifier : Convolutions before the dense layers.
    sklearn.neural_network.MLPClassifier : The same network, without torch.

    Notes
    -----
    The estimator builds a :class:`skorch.NeuralNetClassifier` in ``fit`` and
    keeps it in ``net_``; it is never one itself, so it passes scikit-learn's
    estimator checks, and ``predict`` returns the original labels.

    References
    ----------
    .. [1] J. A. Aguiar, M. L. Gong and T. Tasdizen, "Crystallographic
       prediction from diffraction and chemistry data for higher throughput
       classification using machine learning", Comput. Mater. Sci. 173,
       109409 (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.neural import DenseClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12)).astype("float32")
    >>> y = np.where(X[:, 0] > 0, "cubic", "hexagonal")
    >>> clf = DenseClassifier(hidden_units=8, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> clf.classes_.tolist()
    ['cubic', 'hexagonal']
    >>> clf.transform(X[:3]).shape
    (3, 8)
    """

    _parameter_constraints: dict = {
        **BaseNeuralClassifier._parameter_constraints,
        "hidden_units": _UNITS,
        "dropout": _DROPOUT,
    }
    _module_class = DenseModule

    def __init__(
        self,
        hidden_units=(128, 64),
        *,
        dropout=0.2,
        max_epochs=30,
        lr=1e-3,
        batch_size=64,
        weight_decay=0.0,
        loss="cross_entropy",
        focal_gamma=2.0,
        class_weight=None,
        early_stopping=None,
        validation_fraction=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _module_params(self, n_features, n_classes):
        return {
            "n_features": n_features,
            "n_classes": n_classes,
            "hidden_units": _check_units(self.hidden_units, "hidden_units"),
            "dropout": self.dropout,
        }


@_fill_doc
class CNNClassifier(BaseNeuralClassifier):
    """1-D convolutional network followed by dense layers.

    Each convolution (``padding="same"``, ReLU) is followed by max-pooling by
    two; adaptive average pooling then brings any width down to ``n_pooled``
    points per channel, so full patterns of thousands of points and short
    peak-feature vectors both work.

    Parameters
    ----------
    filters : int or array-like of int, default=(16, 32, 32)
        Channels of each convolution; an int is one layer.
    kernel_size : int, default=9
        Width of the convolution kernels, in grid points.
    n_pooled : int, default=16
        Length each channel is pooled to before the dense layers.
    hidden_units : int or array-like of int, default=(64,)
        Width of each dense layer after the convolutions; the last one is what
        ``transform`` returns.
    dropout : float, default=0.2
        Dropout before and after the dense layers.
    %(common_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    See Also
    --------
    CNNLSTMClassifier : An LSTM in place of the dense layers.
    DenseClassifier : No convolutions.

    Notes
    -----
    The channel axis is added inside the module: ``X`` stays
    ``(n_samples, n_features)``.

    References
    ----------
    .. [1] J.-W. Lee, W. B. Park, J. H. Lee, S. P. Singh and K.-S. Sohn, "A deep
       learning approach to the identification of crystal systems and space
       groups from X-ray diffraction patterns", Nat. Commun. 11, 86 (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.neural import CNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 50)).astype("float32")
    >>> y = np.arange(30) % 3
    >>> clf = CNNClassifier(filters=4, n_pooled=4, hidden_units=8, max_epochs=2,
    ...                     random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    """

    _parameter_constraints: dict = {
        **BaseNeuralClassifier._parameter_constraints,
        "filters": _UNITS,
        "kernel_size": _POSITIVE_INT,
        "n_pooled": _POSITIVE_INT,
        "hidden_units": _UNITS,
        "dropout": _DROPOUT,
    }
    _module_class = CNNModule

    def __init__(
        self,
        filters=(16, 32, 32),
        *,
        kernel_size=9,
        n_pooled=16,
        hidden_units=(64,),
        dropout=0.2,
        max_epochs=30,
        lr=1e-3,
        batch_size=64,
        weight_decay=0.0,
        loss="cross_entropy",
        focal_gamma=2.0,
        class_weight=None,
        early_stopping=None,
        validation_fraction=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.n_pooled = n_pooled
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _module_params(self, n_features, n_classes):
        return {
            "n_classes": n_classes,
            "filters": _check_units(self.filters, "filters"),
            "kernel_size": self.kernel_size,
            "n_pooled": self.n_pooled,
            "hidden_units": _check_units(self.hidden_units, "hidden_units"),
            "dropout": self.dropout,
        }


@_fill_doc
class CNNLSTMClassifier(BaseNeuralClassifier):
    """Convolutions, then an LSTM over the pooled feature sequence.

    The convolutions find peaks; adaptive max-pooling turns their maps into a
    sequence of ``sequence_length`` steps (low to high angle) that an LSTM
    reads; its last hidden state goes through dense layers.
    :meth:`small` gives the compact configuration of the study, the
    "sCNN-LSTM" (19 175 float32 weights, 75 KiB, for seven classes).

    Parameters
    ----------
    filters : int or array-like of int, default=(16, 32)
        Channels of each convolution; an int is one layer.
    kernel_size : int, default=9
        Width of the convolution kernels, in grid points.
    sequence_length : int, default=32
        Steps of the sequence the LSTM reads.
    lstm_units : int, default=32
        Hidden size of the LSTM.
    lstm_layers : int, default=1
        Stacked LSTM layers.
    hidden_units : int or array-like of int, default=(32,)
        Width of each dense layer after the LSTM; the last one is what
        ``transform`` returns.
    dropout : float, default=0.2
        Dropout after the dense layers (and between LSTM layers).
    %(common_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    See Also
    --------
    CNNClassifier : Dense layers in place of the LSTM.
    BiLSTMClassifier : An LSTM on the pattern itself.

    Notes
    -----
    The size of the network does not depend on the width of the patterns, only
    on the number of classes.

    References
    ----------
    .. [1] S. Hochreiter and J. Schmidhuber, "Long Short-Term Memory", Neural
       Comput. 9, 1735 (1997).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.neural import CNNLSTMClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 64)).astype("float32")
    >>> y = np.arange(30) % 2
    >>> clf = CNNLSTMClassifier(filters=4, sequence_length=4, lstm_units=4,
    ...                         hidden_units=4, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:4]).shape
    (4,)
    >>> small = CNNLSTMClassifier.small(max_epochs=2, random_state=0)
    >>> small = small.fit(X, np.arange(30) % 7)
    >>> small.n_parameters_, round(small.model_size_bytes_ / 1024)
    (19175, 75)
    """

    _parameter_constraints: dict = {
        **BaseNeuralClassifier._parameter_constraints,
        "filters": _UNITS,
        "kernel_size": _POSITIVE_INT,
        "sequence_length": _POSITIVE_INT,
        "lstm_units": _POSITIVE_INT,
        "lstm_layers": _POSITIVE_INT,
        "hidden_units": _UNITS,
        "dropout": _DROPOUT,
    }
    _module_class = CNNLSTMModule

    # The study's "sCNN-LSTM": about 75 KB of float32 weights for 7 classes.
    _SMALL = {
        "filters": (16, 32),
        "kernel_size": 9,
        "sequence_length": 32,
        "lstm_units": 42,
        "lstm_layers": 1,
        "hidden_units": (32,),
    }

    def __init__(
        self,
        filters=(16, 32),
        *,
        kernel_size=9,
        sequence_length=32,
        lstm_units=32,
        lstm_layers=1,
        hidden_units=(32,),
        dropout=0.2,
        max_epochs=30,
        lr=1e-3,
        batch_size=64,
        weight_decay=0.0,
        loss="cross_entropy",
        focal_gamma=2.0,
        class_weight=None,
        early_stopping=None,
        validation_fraction=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.sequence_length = sequence_length
        self.lstm_units = lstm_units
        self.lstm_layers = lstm_layers
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @classmethod
    def small(cls, **params):
        """The compact "sCNN-LSTM" of the study: 75 KiB of weights for 7 classes.

        Two convolutions of 16 and 32 filters (kernel 9), a sequence of 32
        steps, an LSTM of 42 units and a dense layer of 32: 19 175 weights
        (76 700 bytes in float32) for seven classes, whatever the width of the
        patterns.

        Parameters
        ----------
        **params : dict
            Any parameter of :class:`CNNLSTMClassifier`; the width and depth
            ones override the preset.

        Returns
        -------
        estimator : CNNLSTMClassifier
            Unfitted; ``get_params`` shows the preset values, so ``clone``
            and grid searches keep them.
        """
        return cls(**{**cls._SMALL, **params})

    def _module_params(self, n_features, n_classes):
        return {
            "n_classes": n_classes,
            "filters": _check_units(self.filters, "filters"),
            "kernel_size": self.kernel_size,
            "sequence_length": self.sequence_length,
            "lstm_units": self.lstm_units,
            "lstm_layers": self.lstm_layers,
            "hidden_units": _check_units(self.hidden_units, "hidden_units"),
            "dropout": self.dropout,
        }


@_fill_doc
class BiLSTMClassifier(BaseNeuralClassifier):
    """Bidirectional LSTM over consecutive patches of the pattern.

    The pattern is zero-padded to a multiple of ``patch_size`` and cut into
    patches; each patch is one step of a bidirectional LSTM, whose final
    forward and backward states go through dense layers. Patches keep the
    sequence short (a 4251-point pattern is 133 steps of 32 points).

    Parameters
    ----------
    patch_size : int, default=32
        Grid points per LSTM step; patterns narrower than this are one step.
    lstm_units : int, default=32
        Hidden size of each direction of the LSTM.
    lstm_layers : int, default=1
        Stacked LSTM layers.
    hidden_units : int or array-like of int, default=(32,)
        Width of each dense layer after the LSTM; the last one is what
        ``transform`` returns.
    dropout : float, default=0.2
        Dropout after the dense layers (and between LSTM layers).
    %(common_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    See Also
    --------
    CNNLSTMClassifier : Convolutions before the LSTM.
    TransformerClassifier : Attention over the same patches.

    Notes
    -----
    The patch is ``min(patch_size, n_features)`` points, so the input layer
    depends on the width of the patterns seen in fit.

    References
    ----------
    .. [1] M. Schuster and K. K. Paliwal, "Bidirectional recurrent neural
       networks", IEEE Trans. Signal Process. 45, 2673 (1997).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.neural import BiLSTMClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 40)).astype("float32")
    >>> y = np.arange(30) % 2
    >>> clf = BiLSTMClassifier(patch_size=8, lstm_units=4, hidden_units=4,
    ...                        max_epochs=2, random_state=0).fit(X, y)
    >>> clf.transform(X[:2]).shape
    (2, 4)
    """

    _parameter_constraints: dict = {
        **BaseNeuralClassifier._parameter_constraints,
        "patch_size": _POSITIVE_INT,
        "lstm_units": _POSITIVE_INT,
        "lstm_layers": _POSITIVE_INT,
        "hidden_units": _UNITS,
        "dropout": _DROPOUT,
    }
    _module_class = BiLSTMModule

    def __init__(
        self,
        patch_size=32,
        *,
        lstm_units=32,
        lstm_layers=1,
        hidden_units=(32,),
        dropout=0.2,
        max_epochs=30,
        lr=1e-3,
        batch_size=64,
        weight_decay=0.0,
        loss="cross_entropy",
        focal_gamma=2.0,
        class_weight=None,
        early_stopping=None,
        validation_fraction=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.patch_size = patch_size
        self.lstm_units = lstm_units
        self.lstm_layers = lstm_layers
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _module_params(self, n_features, n_classes):
        return {
            "n_features": n_features,
            "n_classes": n_classes,
            "patch_size": self.patch_size,
            "lstm_units": self.lstm_units,
            "lstm_layers": self.lstm_layers,
            "hidden_units": _check_units(self.hidden_units, "hidden_units"),
            "dropout": self.dropout,
        }


@_fill_doc
class TransformerClassifier(BaseNeuralClassifier):
    """Transformer encoder over patch embeddings of the pattern.

    As in a vision transformer, the pattern is zero-padded to a multiple of
    ``patch_size``, cut into patches, each patch linearly embedded into
    ``d_model`` values and given a sinusoidal position; a pre-norm transformer
    encoder follows, and the mean over the patches (after a final layer norm)
    is the representation the linear output layer reads.

    Parameters
    ----------
    patch_size : int, default=32
        Grid points per token; patterns narrower than this are one token.
    d_model : int, default=32
        Width of the embeddings; a multiple of ``n_heads``.
    n_heads : int, default=4
        Attention heads per layer.
    n_layers : int, default=2
        Encoder layers.
    dim_feedforward : int, default=64
        Width of the feed-forward block of each layer.
    dropout : float, default=0.1
        Dropout inside the encoder layers.
    %(common_parameters)s

    Attributes
    ----------
    %(common_attributes)s

    See Also
    --------
    BiLSTMClassifier : A recurrent network over the same patches.

    Notes
    -----
    Sinusoidal positions have no weights, so any number of patches works; the
    embedding layer depends on ``min(patch_size, n_features)``.

    References
    ----------
    .. [1] A. Vaswani et al., "Attention Is All You Need", NeurIPS (2017).
    .. [2] A. Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers
       for Image Recognition at Scale", ICLR (2021).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_xrd.neural import TransformerClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((30, 50)).astype("float32")
    >>> y = np.arange(30) % 2
    >>> clf = TransformerClassifier(patch_size=10, d_model=8, n_heads=2,
    ...                             n_layers=1, dim_feedforward=8, max_epochs=2,
    ...                             random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseNeuralClassifier._parameter_constraints,
        "patch_size": _POSITIVE_INT,
        "d_model": _POSITIVE_INT,
        "n_heads": _POSITIVE_INT,
        "n_layers": _POSITIVE_INT,
        "dim_feedforward": _POSITIVE_INT,
        "dropout": _DROPOUT,
    }
    _module_class = TransformerModule

    def __init__(
        self,
        patch_size=32,
        *,
        d_model=32,
        n_heads=4,
        n_layers=2,
        dim_feedforward=64,
        dropout=0.1,
        max_epochs=30,
        lr=1e-3,
        batch_size=64,
        weight_decay=0.0,
        loss="cross_entropy",
        focal_gamma=2.0,
        class_weight=None,
        early_stopping=None,
        validation_fraction=None,
        device="auto",
        random_state=None,
        verbose=0,
    ):
        self.patch_size = patch_size
        self.d_model = d_model
        self.n_heads = n_heads
        self.n_layers = n_layers
        self.dim_feedforward = dim_feedforward
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _module_params(self, n_features, n_classes):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be a multiple of n_heads={self.n_heads}"
            )
        return {
            "n_features": n_features,
            "n_classes": n_classes,
            "patch_size": self.patch_size,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "n_layers": self.n_layers,
            "dim_feedforward": self.dim_feedforward,
            "dropout": self.dropout,
        }
