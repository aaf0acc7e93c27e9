"""The torch modules behind the classifiers.

Every module takes a 2-D batch ``(n_samples, n_features)`` of any width, adds
the channel or token axis itself, and splits into ``features`` (the
penultimate representation, what ``transform`` returns) and a linear ``head``
that maps it to logits.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def _mlp(in_features, hidden_units, dropout):
    """Linear-ReLU-Dropout blocks; return them and the output width."""
    layers = []
    for units in hidden_units:
        layers += [nn.Linear(in_features, units), nn.ReLU(), nn.Dropout(dropout)]
        in_features = units
    return nn.Sequential(*layers), in_features


def _patchify(X, patch_size):
    """Zero-pad ``(n, L)`` to a multiple of ``patch_size``; return ``(n, T, patch)``."""
    n_samples, width = X.shape
    pad = (-width) % patch_size
    if pad:
        X = F.pad(X, (0, pad))
    return X.reshape(n_samples, -1, patch_size)


class _HeadModule(nn.Module):
    """``forward`` is ``head(features(X))``."""

    def forward(self, X):
        return self.head(self.features(X))


class _ConvStack(nn.Module):
    """Conv1d (padding="same") + ReLU + max-pool by 2 while the signal is longer
    than one point, so any width works."""

    def __init__(self, filters, kernel_size):
        super().__init__()
        channels = [1, *filters]
        self.convs = nn.ModuleList(
            nn.Conv1d(c_in, c_out, kernel_size, padding="same")
            for c_in, c_out in zip(channels[:-1], channels[1:], strict=True)
        )

    def forward(self, X):
        for conv in self.convs:
            X = F.relu(conv(X))
            if X.shape[-1] > 1:
                X = F.max_pool1d(X, 2, ceil_mode=True)
        return X


class DenseModule(_HeadModule):
    """Fully connected network on the raw feature vector.

    Parameters
    ----------
    n_features : int
        Input width (points per pattern or features per sample).
    n_classes : int
        Number of output logits.
    hidden_units
        As in :class:`~sklearn_xrd.neural.DenseClassifier`.
    dropout
        As in :class:`~sklearn_xrd.neural.DenseClassifier`.
    """

    def __init__(self, n_features, n_classes, hidden_units=(128, 64), dropout=0.2):
        super().__init__()
        self.body, width = _mlp(n_features, hidden_units, dropout)
        self.head = nn.Linear(width, n_classes)

    def features(self, X):
        return self.body(X)


class CNNModule(_HeadModule):
    """1-D convolutions, adaptive average pooling to ``n_pooled`` points, dense.

    Parameters
    ----------
    n_classes : int
        Number of output logits.
    filters
        As in :class:`~sklearn_xrd.neural.CNNClassifier`.
    kernel_size
        As in :class:`~sklearn_xrd.neural.CNNClassifier`.
    n_pooled
        As in :class:`~sklearn_xrd.neural.CNNClassifier`.
    hidden_units
        As in :class:`~sklearn_xrd.neural.CNNClassifier`.
    dropout
        As in :class:`~sklearn_xrd.neural.CNNClassifier`.
    """

    def __init__(
        self,
        n_classes,
        filters=(16, 32, 32),
        kernel_size=9,
        n_pooled=16,
        hidden_units=(64,),
        dropout=0.2,
    ):
        super().__init__()
        self.convs = _ConvStack(filters, kernel_size)
        self.pool = nn.AdaptiveAvgPool1d(n_pooled)
        self.dropout = nn.Dropout(dropout)
        self.body, width = _mlp(filters[-1] * n_pooled, hidden_units, dropout)
        self.head = nn.Linear(width, n_classes)

    def features(self, X):
        X = self.pool(self.convs(X.unsqueeze(1))).flatten(1)
        return self.body(self.dropout(X))


class CNNLSTMModule(_HeadModule):
    """Convolutions, adaptive pooling to a sequence, an LSTM over it, dense.

    Parameters
    ----------
    n_classes : int
        Number of output logits.
    filters
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    kernel_size
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    sequence_length
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    lstm_units
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    lstm_layers
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    hidden_units
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    dropout
        As in :class:`~sklearn_xrd.neural.CNNLSTMClassifier`.
    """

    def __init__(
        self,
        n_classes,
        filters=(16, 32),
        kernel_size=9,
        sequence_length=32,
        lstm_units=32,
        lstm_layers=1,
        hidden_units=(32,),
        dropout=0.2,
    ):
        super().__init__()
        self.convs = _ConvStack(filters, kernel_size)
        self.pool = nn.AdaptiveMaxPool1d(sequence_length)
        self.lstm = nn.LSTM(
            filters[-1],
            lstm_units,
            num_layers=lstm_layers,
            batch_first=True,
            dropout=dropout if lstm_layers > 1 else 0.0,
        )
        self.body, width = _mlp(lstm_units, hidden_units, dropout)
        self.head = nn.Linear(width, n_classes)

    def features(self, X):
        X = self.pool(self.convs(X.unsqueeze(1))).transpose(1, 2)
        _, (h_n, _) = self.lstm(X)
        return self.body(h_n[-1])


class BiLSTMModule(_HeadModule):
    """Bidirectional LSTM over consecutive patches of the pattern.

    Parameters
    ----------
    n_features : int
        Input width (points per pattern or features per sample).
    n_classes : int
        Number of output logits.
    patch_size
        As in :class:`~sklearn_xrd.neural.BiLSTMClassifier`.
    lstm_units
        As in :class:`~sklearn_xrd.neural.BiLSTMClassifier`.
    lstm_layers
        As in :class:`~sklearn_xrd.neural.BiLSTMClassifier`.
    hidden_units
        As in :class:`~sklearn_xrd.neural.BiLSTMClassifier`.
    dropout
        As in :class:`~sklearn_xrd.neural.BiLSTMClassifier`.
    """

    def __init__(
        self,
        n_features,
        n_classes,
        patch_size=32,
        lstm_units=32,
        lstm_layers=1,
        hidden_units=(32,),
        dropout=0.2,
    ):
        super().__init__()
        self.patch_size = min(patch_size, n_features)
        self.lstm = nn.LSTM(
            self.patch_size,
            lstm_units,
            num_layers=lstm_layers,
            batch_first=True,
            bidirectional=True,
            dropout=dropout if lstm_layers > 1 else 0.0,
        )
        self.body, width = _mlp(2 * lstm_units, hidden_units, dropout)
        self.head = nn.Linear(width, n_classes)

    def features(self, X):
        _, (h_n, _) = self.lstm(_patchify(X, self.patch_size))
        # last layer, forward and backward directions
        return self.body(torch.cat([h_n[-2], h_n[-1]], dim=-1))


def _sinusoidal_positions(n_tokens, d_model, device, dtype):
    """The fixed positional encoding of Vaswani et al. (2017), any length."""
    position = torch.arange(n_tokens, device=device, dtype=dtype).unsqueeze(1)
    div = torch.exp(
        torch.arange(0, d_model, 2, device=device, dtype=dtype)
        * (-math.log(10000.0) / d_model)
    )
    encoding = torch.zeros(n_tokens, d_model, device=device, dtype=dtype)
    encoding[:, 0::2] = torch.sin(position * div)
    encoding[:, 1::2] = torch.cos(position * div)[:, : d_model // 2]
    return encoding


class TransformerModule(_HeadModule):
    """Patch embedding, sinusoidal positions, transformer encoder, mean pooling.

    Parameters
    ----------
    n_features : int
        Input width (points per pattern or features per sample).
    n_classes : int
        Number of output logits.
    patch_size
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    d_model
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    n_heads
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    n_layers
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    dim_feedforward
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    dropout
        As in :class:`~sklearn_xrd.neural.TransformerClassifier`.
    """

    def __init__(
        self,
        n_features,
        n_classes,
        patch_size=32,
        d_model=32,
        n_heads=4,
        n_layers=2,
        dim_feedforward=64,
        dropout=0.1,
    ):
        super().__init__()
        self.patch_size = min(patch_size, n_features)
        self.embed = nn.Linear(self.patch_size, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model,
            n_heads,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(
            layer, n_layers, enable_nested_tensor=False
        )
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, n_classes)

    def features(self, X):
        tokens = self.embed(_patchify(X, self.patch_size))
        tokens = tokens + _sinusoidal_positions(
            tokens.shape[1], tokens.shape[2], tokens.device, tokens.dtype
        )
        return self.norm(self.encoder(tokens)).mean(dim=1)
