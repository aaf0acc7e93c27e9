"""Two-dimensional embedding (t-SNE) of the features a classifier works on."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.utils import check_array, check_consistent_length, column_or_1d

from ._layout import set_wrapped_title
from ._validation import estimator_name


def learned_features(estimator, X):
    """The features ``estimator`` classifies, and where they came from.

    A network exposes its penultimate-layer features through ``transform``; a
    pipeline whose last step has no ``transform`` (a tree ensemble) yields the
    output of the steps before it; a bare estimator without ``transform``
    yields ``X`` itself.

    Parameters
    ----------
    estimator : fitted estimator or pipeline
        The classifier.
    X : array-like
        Input samples.

    Returns
    -------
    features : ndarray of shape (n_samples, n_features_out)
        Features.
    source : {"transform", "input"}
        ``"transform"`` when a ``transform`` of the classifier made them,
        ``"input"`` when they are what the classifier takes in.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = np.eye(4), [0, 0, 1, 1]
    >>> learned_features(LogisticRegression().fit(X, y), X)[1]
    'input'
    """
    if hasattr(estimator, "transform"):
        return np.asarray(estimator.transform(X)), "transform"
    steps = getattr(estimator, "steps", None)
    if steps and len(steps) > 1:
        return np.asarray(estimator[:-1].transform(X)), "input"
    return np.asarray(X), "input"


class FeatureEmbeddingDisplay:
    """Scatter of a 2-D embedding (t-SNE or PCA) of features, coloured by class.

    Well-separated clusters mean the features a model learned (or was given)
    distinguish the crystal systems. Build it with :meth:`from_estimator`,
    which embeds ``estimator.transform(X)`` (the penultimate features of a
    neural network) or the classifier's input features, or with
    :meth:`from_features`.

    Parameters
    ----------
    embedding : ndarray of shape (n_samples, 2)
        Embedded coordinates.
    y : ndarray of shape (n_samples,)
        Class of each sample.
    method : str, default="tsne"
        How the embedding was made, for the axis labels.
    estimator_name : str, default=None
        Name shown in the title.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted class labels, one colour each.
    feature_source : {"transform", "input"}
        Set by :meth:`from_estimator` and :meth:`from_features`: whether a
        ``transform`` made the embedded features or they are the input ones.
    scatters_ : dict of label to matplotlib PathCollection
        One scatter per class.
    ax_ : matplotlib Axes
        Axes with the scatter.
    figure_ : matplotlib Figure
        Figure containing the scatter.

    Examples
    --------
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, (10, 5)), rng.normal(5, 1, (10, 5))]
    >>> y = ["cubic"] * 10 + ["hexagonal"] * 10
    >>> disp = FeatureEmbeddingDisplay.from_features(
    ...     X, y, method="pca", plot=False)
    >>> disp.embedding.shape
    (20, 2)
    """

    def __init__(self, embedding, y, *, method="tsne", estimator_name=None):
        self.embedding = embedding
        self.y = y
        self.method = method
        self.estimator_name = estimator_name
        self.classes = np.unique(y)

    def plot(self, *, ax=None, name=None, scatter_kwargs=None):
        """Draw the embedding, one colour per class, with a legend.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw into; a new figure is made when ``None``.
        name : str, default=None
            Name shown in the title; defaults to ``estimator_name``.
        scatter_kwargs : dict, default=None
            Keyword arguments for ``ax.scatter`` (``s``, ``alpha``, ...).

        Returns
        -------
        display : FeatureEmbeddingDisplay
            The display, with ``ax_``, ``figure_`` and ``scatters_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        name = self.estimator_name if name is None else name
        kwargs = {"s": 15, "alpha": 0.8, **(scatter_kwargs or {})}
        self.scatters_ = {}
        for label in self.classes:
            mask = self.y == label
            self.scatters_[label] = ax.scatter(
                self.embedding[mask, 0],
                self.embedding[mask, 1],
                label=str(label),
                **kwargs,
            )
        axis = "t-SNE" if self.method == "tsne" else self.method.upper()
        ax.set(xlabel=f"{axis} 1", ylabel=f"{axis} 2")
        if name:
            set_wrapped_title(ax, name)
        ax.legend(title="class", loc="best", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        method="tsne",
        perplexity=30.0,
        random_state=None,
        name=None,
        ax=None,
        plot=True,
    ):
        """Embed the features a fitted classifier works on.

        Parameters
        ----------
        estimator : fitted estimator or pipeline
            Its ``transform(X)`` is embedded when it has one (a network's
            penultimate features); otherwise the classifier's input features
            (the output of a pipeline's earlier steps, or ``X``).
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            Class of each sample, for the colours.
        method : {"tsne", "pca"}, default="tsne"
            Embedding method.
        perplexity : float, default=30.0
            t-SNE perplexity; lowered to ``(n_samples - 1) / 3`` for small sets.
        random_state : int, RandomState instance or None, default=None
            Seed of the embedding.
        name : str, default=None
            Name shown in the title; the estimator's class name when ``None``.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the embedding.

        Returns
        -------
        display : FeatureEmbeddingDisplay
            With ``feature_source`` set to ``"transform"`` or ``"input"``.
        """
        features, source = learned_features(estimator, X)
        name = estimator_name(estimator) if name is None else name
        display = cls.from_features(
            features,
            y,
            method=method,
            perplexity=perplexity,
            random_state=random_state,
            name=name,
            ax=ax,
            plot=plot,
        )
        display.feature_source = source
        return display

    @classmethod
    def from_features(
        cls,
        features,
        y,
        *,
        method="tsne",
        perplexity=30.0,
        random_state=None,
        name=None,
        ax=None,
        plot=True,
    ):
        """Embed a feature matrix.

        Parameters
        ----------
        features : array-like of shape (n_samples, n_features)
            Features to embed.
        y : array-like of shape (n_samples,)
            Class of each sample, for the colours.
        method : {"tsne", "pca"}, default="tsne"
            Embedding method.
        perplexity : float, default=30.0
            t-SNE perplexity; lowered to ``(n_samples - 1) / 3`` for small sets.
        random_state : int, RandomState instance or None, default=None
            Seed of the embedding.
        name : str, default=None
            Name shown in the title.
        ax : matplotlib Axes, default=None
            Axes to draw into.
        plot : bool, default=True
            Whether to draw; ``False`` only computes the embedding.

        Returns
        -------
        display : FeatureEmbeddingDisplay
        """
        features = check_array(features, dtype=np.float64, ensure_min_samples=3)
        y = column_or_1d(y)
        check_consistent_length(features, y)
        n_samples = features.shape[0]
        if method == "tsne":
            perplexity = min(float(perplexity), (n_samples - 1) / 3)
            reducer = TSNE(
                n_components=2,
                perplexity=perplexity,
                init="pca",
                random_state=random_state,
            )
        elif method == "pca":
            reducer = PCA(n_components=2, random_state=random_state)
        else:
            raise ValueError(f"method must be 'tsne' or 'pca'; got {method!r}")
        if features.shape[1] < 2:
            raise ValueError("at least two features are needed for a 2-D embedding")
        embedding = reducer.fit_transform(features)
        display = cls(embedding, y, method=method, estimator_name=name)
        display.feature_source = "input"
        if plot:
            display.plot(ax=ax)
        return display
