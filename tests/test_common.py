"""scikit-learn's common estimator checks over every array estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_xrd.preprocessing import GaussianBroadening, Normalizer, PeakExtractor
from sklearn_xrd.utils.estimator_checks import expected_failed_checks


def _array_estimators():
    yield GaussianBroadening()
    yield GaussianBroadening(fwhm=0.3, step=0.05)
    for norm in ("max", "area", "l2"):
        yield Normalizer(norm=norm)
    yield PeakExtractor(n_peaks=3)
    yield PeakExtractor(n_peaks=5, sort_by="angle")


@parametrize_with_checks(
    list(_array_estimators()), expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
