"""Which of scikit-learn's common checks an estimator of ours is known to fail.

The test suite runs :func:`sklearn.utils.estimator_checks.parametrize_with_checks`
over every estimator that takes arrays, and reads the expected failures from
:func:`expected_failed_checks` alone, so each one carries its reason in one place.
"""

# Reasons keyed by estimator class name, then by check name. Later families
# (neural networks, samplers) add their entries here.
_EXPECTED_FAILED_CHECKS = {}


def expected_failed_checks(estimator):
    """Map each common check that ``estimator`` is known to fail to the reason.

    Parameters
    ----------
    estimator : estimator instance
        An estimator of sklearn_xrd.

    Returns
    -------
    failed : dict of str to str
        ``{check_name: reason}``; empty when every check is expected to pass.

    Examples
    --------
    >>> from sklearn_xrd.preprocessing import Normalizer
    >>> expected_failed_checks(Normalizer())
    {}
    """
    return dict(_EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))
