"""Focal loss: cross-entropy that down-weights the examples a model already gets."""

from numbers import Real

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class FocalLoss(nn.Module):
    """Multi-class focal loss on logits, usable as a skorch ``criterion``.

    For a sample of true class :math:`t` with predicted probability
    :math:`p_t` (softmax of the logits), the loss is

    .. math:: \\mathrm{FL} = -\\alpha_t (1 - p_t)^\\gamma \\log p_t .

    ``gamma=0`` and ``alpha=None`` give the ordinary cross-entropy. A larger
    ``gamma`` lowers the weight of well-classified samples, so training
    concentrates on the hard and the rare ones; ``alpha`` re-weights classes.

    Parameters
    ----------
    alpha : None, array-like of shape (n_classes,) or "balanced", default=None
        Weight of each class. ``None`` weighs all classes by one. An array
        gives the weight of class ``k`` at index ``k``. ``"balanced"`` weighs
        each class by ``n_samples / (n_classes * count)`` computed on the
        targets of each call (one mini-batch); the estimators of
        :mod:`sklearn_xrd.neural` instead compute balanced weights once, on the
        whole training set, and pass them as an array.
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages over samples (a plain mean, not normalised by the
        sum of the weights as :class:`torch.nn.CrossEntropyLoss` does with
        ``weight``), ``"sum"`` adds them up, ``"none"`` returns one value per
        sample.

    Attributes
    ----------
    alpha : torch.Tensor of shape (n_classes,) or None
        The class weights as a buffer (moves with ``.to(device)``); ``None``
        when ``alpha`` was ``None`` or ``"balanced"``.
    balanced : bool
        Whether ``alpha="balanced"`` was asked for.

    See Also
    --------
    torch.nn.CrossEntropyLoss : The special case ``gamma=0``.

    Notes
    -----
    The log-probabilities come from :func:`torch.nn.functional.log_softmax`,
    so the loss is finite even for saturated logits.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollar, "Focal Loss
       for Dense Object Detection", ICCV (2017), arXiv:1708.02002.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> target = torch.tensor([0, 0])
    >>> round(float(FocalLoss(gamma=0.0)(logits, target)), 4)
    1.1269
    >>> round(float(FocalLoss(gamma=2.0)(logits, target)), 4)
    0.8259
    """

    def __init__(self, alpha=None, gamma=2.0, reduction="mean"):
        super().__init__()
        if not isinstance(gamma, Real) or not np.isfinite(gamma) or gamma < 0:
            raise ValueError(f"gamma must be a finite number >= 0; got {gamma!r}")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"reduction must be 'mean', 'sum' or 'none'; got {reduction!r}"
            )
        self.gamma = float(gamma)
        self.reduction = reduction
        self.balanced = isinstance(alpha, str) and alpha == "balanced"
        if alpha is None or self.balanced:
            weights = None
        elif isinstance(alpha, str):
            raise ValueError(
                f"alpha must be None, 'balanced' or an array of class weights; "
                f"got {alpha!r}"
            )
        else:
            weights = torch.as_tensor(np.asarray(alpha, dtype=np.float32))
            if weights.ndim != 1 or not torch.isfinite(weights).all():
                raise ValueError("alpha must be a 1-D array of finite class weights")
            if (weights < 0).any():
                raise ValueError("alpha must hold non-negative class weights")
        self.register_buffer("alpha", weights)

    def forward(self, input, target):
        """Focal loss of ``input`` logits against integer ``target`` labels.

        Parameters
        ----------
        input : torch.Tensor of shape (n_samples, n_classes)
            Unnormalised scores (logits).
        target : torch.Tensor of shape (n_samples,)
            Class indices in ``[0, n_classes)``.

        Returns
        -------
        loss : torch.Tensor
            A scalar, or shape ``(n_samples,)`` with ``reduction="none"``.
        """
        target = target.long()
        log_p = F.log_softmax(input, dim=-1)
        log_pt = log_p.gather(-1, target.unsqueeze(-1)).squeeze(-1)
        pt = log_pt.exp()
        loss = -((1.0 - pt) ** self.gamma) * log_pt
        if self.alpha is not None:
            if self.alpha.shape[0] != input.shape[-1]:
                raise ValueError(
                    f"alpha holds {self.alpha.shape[0]} class weights but the "
                    f"logits have {input.shape[-1]} classes"
                )
            loss = self.alpha.to(loss.dtype)[target] * loss
        elif self.balanced:
            counts = torch.bincount(target, minlength=input.shape[-1]).to(loss.dtype)
            n_present = (counts > 0).sum()
            weights = target.numel() / (n_present * counts.clamp(min=1))
            loss = weights[target] * loss
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss
