"""The default grid of the models: one place for wavelength, 2-theta range, step.

Every model of the package, the shipped one included, reads patterns on this
grid. Simulators take it as keyword arguments (``**DEFAULT_GRID``); measured
patterns are resampled onto it through d-spacing (:func:`resampling_params`).
"""

#: Cu K-alpha (weighted, 1.5418 A), 2-theta 5-90 deg, step 0.02 deg: 4251
#: points. The keywords of :class:`~sklearn_xrd.preprocessing.CIFToPattern`
#: and :func:`~sklearn_xrd.datasets.make_patterns`.
DEFAULT_GRID = {"wavelength": "CuKa", "two_theta_range": (5.0, 90.0), "step": 0.02}


def resampling_params(grid=None):
    """Keywords that put a measured pattern on ``grid``.

    :class:`~sklearn_xrd.preprocessing.PatternResampler`,
    :func:`~sklearn_xrd.preprocessing.resample_pattern` and
    :func:`~sklearn_xrd.datasets.load_rruff` call the grid's wavelength the
    ``target_wavelength`` (the measurement brings its own ``wavelength``).

    Parameters
    ----------
    grid : dict, default=None
        ``wavelength``, ``two_theta_range`` and ``step``;
        :data:`DEFAULT_GRID` when ``None``.

    Returns
    -------
    params : dict
        ``two_theta_range``, ``step`` and ``target_wavelength``.

    Examples
    --------
    >>> resampling_params()
    {'two_theta_range': (5.0, 90.0), 'step': 0.02, 'target_wavelength': 'CuKa'}
    """
    grid = DEFAULT_GRID if grid is None else grid
    return {
        "two_theta_range": grid["two_theta_range"],
        "step": grid["step"],
        "target_wavelength": grid["wavelength"],
    }
