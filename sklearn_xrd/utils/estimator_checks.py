"""Which of the common estimator checks an estimator of ours skips or fails, and why.

The test suite discovers every estimator in the subpackages' ``__all__`` and
runs :func:`sklearn.utils.estimator_checks.parametrize_with_checks` over them
(and imbalanced-learn's sampler checks over the samplers). Whatever is not run,
or is expected to fail, is listed here with its reason, in one place.
"""

#: Estimators that scikit-learn's array checks cannot run on, with the reason.
#: The test suite runs the data-free API checks (cloning, ``get_params``,
#: ``set_params``, ``__init__`` that only assigns) on them instead.
EXCLUDED_ESTIMATORS = {
    "BaseNeuralClassifier": (
        "a base class with no network (subclasses define _module_class); "
        "each subclass is checked"
    ),
    "CIFToPattern": (
        "takes a 1-D list of CIF texts, files or structures "
        "(input_tags.two_d_array=False), not the 2-D arrays the checks feed; "
        "tests/test_cif_to_pattern.py covers its API"
    ),
    "PatternResampler": (
        "takes a 1-D list of measured patterns of any length "
        "(input_tags.two_d_array=False), not the 2-D arrays the checks feed; "
        "tests/test_measured.py covers its API"
    ),
}

# Reasons keyed by estimator class name, then by check name.
_EXPECTED_FAILED_CHECKS = {}

#: imbalanced-learn's checks for samplers that PatternAugmenter, which adds
#: perturbed copies of every sample rather than balancing classes, fails.
_EXPECTED_FAILED_SAMPLER_CHECKS = {
    "PatternAugmenter": {
        "check_target_type": "continuous targets are valid: augmentation repeats them",
        "check_samplers_one_label": "a single class is valid: nothing to balance",
        "check_samplers_fit": "no sampling_strategy_: it adds copies of every sample",
        "check_samplers_pandas_sparse": "patterns are dense; sparse input is refused",
    },
}


def _reasons(table, estimator):
    return dict(table.get(type(estimator).__name__, {}))


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
    return _reasons(_EXPECTED_FAILED_CHECKS, estimator)


def expected_failed_sampler_checks(estimator):
    """Map each imbalanced-learn sampler check ``estimator`` fails to the reason.

    Parameters
    ----------
    estimator : estimator instance
        A sampler of sklearn_xrd (it has ``fit_resample``).

    Returns
    -------
    failed : dict of str to str
        ``{check_name: reason}``; empty when every check is expected to pass.

    Examples
    --------
    >>> from sklearn_xrd.augmentation import PatternAugmenter
    >>> sorted(expected_failed_sampler_checks(PatternAugmenter()))[0]
    'check_samplers_fit'
    """
    return _reasons(_EXPECTED_FAILED_SAMPLER_CHECKS, estimator)
