"""Random crystals of every crystal system, generated with pyxtal."""

import functools
import warnings
from collections import Counter
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch, check_random_state

from ..simulation._xrd import SCATTERING_ELEMENTS
from ..utils import CRYSTAL_SYSTEMS, crystal_system_from_space_group, progress_bar
from ._labels import space_group_number

# Default element pool: common inorganic cations and anions. Every crystal gets
# one or two cations and one anion (no charge balance is enforced).
CATIONS = (
    "Li", "Na", "K", "Rb", "Cs", "Be", "Mg", "Ca", "Sr", "Ba",
    "Al", "Ga", "In", "Si", "Ge", "Sn", "Pb", "Bi", "Sc", "Y",
    "La", "Ti", "Zr", "Hf", "V", "Nb", "Ta", "Cr", "Mo", "W",
    "Mn", "Fe", "Co", "Ni", "Cu", "Ag", "Zn", "Cd",
)  # fmt: skip
ANIONS = ("O", "S", "Se", "Te", "N", "P", "F", "Cl", "Br", "I")

# First space-group number of each crystal system, in CRYSTAL_SYSTEMS order.
_FIRST_NUMBER = (1, 3, 16, 75, 143, 168, 195, 231)

# Approximate relative frequencies of common space groups among inorganic
# crystal structures, within each crystal system, rounded from the published
# space-group histograms of the ICSD and the Materials Project (e.g. Urusov &
# Nadezhina, J. Struct. Chem. 50, 22 (2009)). Indicative only: enough to make
# P2_1/c, Pnma, I4/mmm, R-3m, P6_3/mmc and Fm-3m dominate their systems as in
# real databases. The space groups of a system not listed here share
# _OTHER_WEIGHT of its probability uniformly.
DATABASE_WEIGHTS = {
    # triclinic
    2: 85, 1: 15,
    # monoclinic
    14: 40, 15: 20, 12: 12, 11: 7, 4: 5, 9: 4, 5: 3, 8: 3, 13: 3, 10: 3,
    # orthorhombic
    62: 35, 63: 10, 61: 8, 19: 7, 33: 5, 64: 5, 36: 4, 74: 4, 71: 4, 70: 3,
    57: 3, 65: 3, 47: 3, 60: 3,
    # tetragonal
    139: 30, 129: 10, 141: 10, 123: 10, 136: 8, 122: 6, 140: 6, 88: 5, 87: 5,
    127: 4, 113: 3, 82: 3,
    # trigonal
    166: 30, 164: 15, 167: 12, 148: 10, 160: 7, 161: 6, 147: 5, 152: 5, 154: 4,
    163: 3, 159: 3,
    # hexagonal
    194: 40, 191: 15, 176: 10, 187: 8, 186: 8, 189: 7, 185: 4, 182: 4, 193: 4,
    # cubic
    225: 25, 227: 15, 221: 15, 216: 10, 229: 6, 205: 5, 206: 5, 198: 5, 230: 4,
    215: 3, 224: 3, 220: 2, 223: 2,
}  # fmt: skip
_OTHER_WEIGHT = 0.1

# Failed attempts before a crystal is given up (a ValueError is raised).
_MAX_ATTEMPTS = 200
# Compositions drawn per attempt before the attempt counts as failed.
_MAX_COMPOSITION_DRAWS = 50
# Failure kinds, in the order they are reported.
FAILURE_KINDS = ("composition", "placement", "symmetry")


@functools.cache
def _multiplicities(number):
    """Multiplicities of the Wyckoff positions of a space group (conventional)."""
    from pyxtal.symmetry import get_wyckoffs

    return tuple(sorted(len(w) for w in get_wyckoffs(number)))


@functools.cache
def _group(number):
    """pyxtal's Group, cached per process (building it takes ~40 ms)."""
    from pyxtal.symmetry import Group

    return Group(number)


def _system_groups(system):
    i = CRYSTAL_SYSTEMS.index(system)
    return list(range(_FIRST_NUMBER[i], _FIRST_NUMBER[i + 1]))


def _check_elements(elements):
    """Cation and anion pools (an explicit list goes into one pool)."""
    if elements is None:
        return CATIONS, ANIONS
    if isinstance(elements, str):
        elements = [elements]
    elements = tuple(dict.fromkeys(str(e) for e in elements))
    if not elements:
        raise ValueError("elements must hold at least one element symbol")
    unknown = sorted(set(elements) - SCATTERING_ELEMENTS)
    if unknown:
        raise ValueError(
            f"elements {unknown} are not element symbols with X-ray form factors"
        )
    return elements, ()


def _check_systems(crystal_systems, space_groups):
    """The requested crystal systems and the candidate space groups of each."""
    systems = None
    if crystal_systems is not None:
        if isinstance(crystal_systems, str):
            crystal_systems = [crystal_systems]
        systems = list(dict.fromkeys(crystal_systems))
        unknown = [s for s in systems if s not in CRYSTAL_SYSTEMS]
        if unknown or not systems:
            raise ValueError(
                f"crystal_systems must be a non-empty list of {CRYSTAL_SYSTEMS}, "
                f"got {crystal_systems!r}"
            )
    if space_groups is None:
        systems = list(CRYSTAL_SYSTEMS) if systems is None else systems
        return {s: _system_groups(s) for s in systems}
    numbers = np.atleast_1d(np.asarray(space_groups))
    if numbers.size == 0 or not np.issubdtype(numbers.dtype, np.integer):
        raise ValueError(
            f"space_groups must be a non-empty list of integers in 1..230, "
            f"got {space_groups!r}"
        )
    numbers = sorted(set(numbers.tolist()))
    if numbers[0] < 1 or numbers[-1] > 230:
        raise ValueError(f"space_groups must lie in 1..230, got {space_groups!r}")
    by_system = {s: [] for s in CRYSTAL_SYSTEMS}
    for n in numbers:
        by_system[crystal_system_from_space_group(n)].append(n)
    if systems is None:
        systems = [s for s in CRYSTAL_SYSTEMS if by_system[s]]
    missing = [s for s in systems if not by_system[s]]
    if missing:
        raise ValueError(
            f"space_groups {numbers} hold no space group of the crystal system(s) "
            f"{missing}"
        )
    return {s: by_system[s] for s in systems}


def _group_probabilities(groups, distribution):
    """Probability of each space group of one crystal system."""
    if distribution == "uniform":
        return np.full(len(groups), 1.0 / len(groups))
    listed = np.array([DATABASE_WEIGHTS.get(n, 0.0) for n in groups], dtype=float)
    others = listed == 0
    if not listed.any():
        return np.full(len(groups), 1.0 / len(groups))
    p = listed / listed.sum()
    if others.any():
        p *= 1.0 - _OTHER_WEIGHT
        p[others] = _OTHER_WEIGHT / others.sum()
    return p


def _draw_composition(rng, multiplicities, cations, anions, max_atoms):
    """Species and their numbers of atoms in the conventional cell."""
    if anions:
        n_cations = min(int(rng.integers(1, 3)), len(cations))
        species = [str(e) for e in rng.choice(cations, n_cations, replace=False)]
        species.append(str(rng.choice(anions)))
    else:
        k = min(int(rng.integers(2, 4)), len(cations))
        species = [str(e) for e in rng.choice(cations, k, replace=False)]
    mult = np.array([m for m in multiplicities if m <= max_atoms])
    weights = 1.0 / mult  # small multiplicities (special positions) favoured
    weights /= weights.sum()
    counts = []
    for _ in species:
        n_sites = 1 + int(rng.random() < 0.3)
        counts.append(int(rng.choice(mult, n_sites, p=weights).sum()))
    return species, counts


def _make_crystal(system, groups, probabilities, seed, pools, max_atoms, symprec):
    """Worker: one crystal of ``system``; everything random comes from ``seed``."""
    from pyxtal import pyxtal

    rng = np.random.default_rng(seed)
    failures = Counter()
    last_error = None
    for attempt in range(_MAX_ATTEMPTS):
        if attempt % 10 == 0:  # a fresh space group now and then
            number = int(rng.choice(groups, p=probabilities))
            group = _group(number)
        composition = None
        for _ in range(_MAX_COMPOSITION_DRAWS):
            species, counts = _draw_composition(
                rng, _multiplicities(number), *pools, max_atoms
            )
            if sum(counts) <= max_atoms and group.check_compatible(counts)[0]:
                composition = species, counts
                break
            failures["composition"] += 1
        if composition is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                crystal = pyxtal()
                crystal.from_random(3, group, *composition, random_state=rng)
                structure = crystal.to_pymatgen()
        except Exception as exc:  # pyxtal raises RuntimeError and its own errors
            failures["placement"] += 1
            last_error = f"{type(exc).__name__}: {exc}"
            continue
        found = space_group_number(structure, symprec)
        if crystal_system_from_space_group(found) != system:
            failures["symmetry"] += 1
            continue
        return structure, number, found, failures
    raise ValueError(
        f"could not generate a {system} crystal in {_MAX_ATTEMPTS} attempts "
        f"(space groups {groups[:10]}..., max_atoms={max_atoms}, failures "
        f"{dict(failures)}, last error: {last_error})"
    )


def make_random_crystals(
    n_per_class=100,
    *,
    crystal_systems=None,
    space_groups=None,
    elements=None,
    max_atoms=40,
    space_group_distribution="uniform",
    symprec=0.1,
    random_state=None,
    n_jobs=None,
    verbose=0,
):
    """Random crystal structures, the same number for each crystal system.

    Each crystal is drawn with pyxtal (``pyxtal.from_random``): a space group
    of the requested crystal system, a composition of 2-3 species compatible
    with its Wyckoff positions, a lattice from pyxtal's volume estimate (volume
    factor 1.1) and atoms on random Wyckoff positions at physical distances.
    Its label is then checked by symmetry analysis (spglib at ``symprec``);
    a crystal whose analysed crystal system differs from the requested one
    (accidental higher symmetry) is discarded and drawn again, so the classes
    stay balanced and every label is verified.

    Parameters
    ----------
    n_per_class : int, default=100
        Crystals per crystal system.
    crystal_systems : list of str, default=None
        Crystal systems to generate (names of
        :data:`~sklearn_xrd.utils.CRYSTAL_SYSTEMS`); ``None`` means all seven,
        or those of ``space_groups`` when it is given.
    space_groups : list of int, default=None
        Restrict the space groups drawn from (numbers 1-230); each requested
        crystal system must hold at least one of them.
    elements : list of str, default=None
        Element pool. ``None`` uses :data:`CATIONS` and :data:`ANIONS`: one or
        two cations and one anion per crystal. An explicit list draws 2-3
        distinct elements from it (fewer if it is shorter). Charge balance is
        not enforced.
    max_atoms : int, default=40
        Largest number of atoms in the conventional cell. Space groups whose
        smallest Wyckoff multiplicity leaves no room for two species are left
        out.
    space_group_distribution : {"uniform", "database"}, default="uniform"
        How the space group of a crystal is drawn within its crystal system:
        uniformly over the candidate groups, or by :data:`DATABASE_WEIGHTS`,
        approximate relative frequencies of common space groups in inorganic
        structure databases (ICSD, Materials Project), with 10% of a system's
        probability shared by its unlisted groups.
    symprec : float, default=0.1
        spglib distance tolerance (angstrom) for the label check.
    random_state : int, RandomState instance or None, default=None
        Seeds every draw. One seed per crystal is derived up front, and pyxtal
        is given a :class:`numpy.random.Generator` made from it, so the result
        does not depend on ``n_jobs``.
    n_jobs : int, default=None
        Parallel workers (joblib) over crystals; ``None`` means 1.
    verbose : int, default=0
        A tqdm progress bar over crystals, with the time left, when positive.

    Returns
    -------
    data : Bunch
        ``data`` (list of pymatgen Structure, conventional cells), ``target``
        (crystal-system names, ``n_per_class`` of each, in
        :data:`~sklearn_xrd.utils.CRYSTAL_SYSTEMS` order), ``space_group``
        (found by spglib at ``symprec``; it may be a supergroup of the
        requested one within the same crystal system),
        ``requested_space_group`` (the group pyxtal was asked for),
        ``formula`` (reduced formulas), ``failures`` (per crystal system, the
        number of rejected ``"composition"`` draws, failed pyxtal
        ``"placement"`` attempts and ``"symmetry"`` mismatches, each retried),
        ``n_failures`` (their total) and ``DESCR``.

    Raises
    ------
    ValueError
        On bad arguments, or when a crystal cannot be generated in 200
        attempts (the space group is redrawn every 10 failed attempts).

    Examples
    --------
    >>> crystals = make_random_crystals(
    ...     1, crystal_systems=["cubic", "hexagonal"], max_atoms=12, random_state=0)
    >>> crystals.target.tolist()
    ['hexagonal', 'cubic']
    >>> len(crystals.data), crystals.data[0].is_ordered
    (2, True)
    """
    if not isinstance(n_per_class, Integral) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    if not isinstance(max_atoms, Integral) or max_atoms < 1:
        raise ValueError(f"max_atoms must be a positive integer, got {max_atoms!r}")
    if space_group_distribution not in ("uniform", "database"):
        raise ValueError(
            "space_group_distribution must be 'uniform' or 'database', got "
            f"{space_group_distribution!r}"
        )
    if not symprec > 0:
        raise ValueError(f"symprec must be positive, got {symprec!r}")
    pools = _check_elements(elements)
    min_species = 2 if pools[1] else min(2, len(pools[0]))
    table = {}
    for system, groups in _check_systems(crystal_systems, space_groups).items():
        feasible = [
            n for n in groups if min_species * _multiplicities(n)[0] <= max_atoms
        ]
        if not feasible:
            raise ValueError(
                f"max_atoms={max_atoms} is too small for any {system} space group "
                f"of {groups[:10]}...: increase max_atoms"
            )
        table[system] = (
            feasible,
            _group_probabilities(feasible, space_group_distribution),
        )

    systems = [s for s in CRYSTAL_SYSTEMS if s in table]
    requested = [s for s in systems for _ in range(n_per_class)]
    entropy = check_random_state(random_state).randint(np.iinfo(np.int32).max, size=4)
    seeds = np.random.SeedSequence(entropy.tolist()).spawn(len(requested))
    jobs = (
        delayed(_make_crystal)(system, *table[system], seed, pools, max_atoms, symprec)
        for system, seed in zip(requested, seeds)
    )
    results = []
    # results come back in order, so the bar changes nothing but the display
    with progress_bar(
        verbose, total=len(requested), desc="crystals", unit="crystal"
    ) as bar:
        for result in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
            results.append(result)
            bar.update(1)
    structures = [r[0] for r in results]
    failures = {s: dict.fromkeys(FAILURE_KINDS, 0) for s in systems}
    for system, (_, _, _, counts) in zip(requested, results):
        for kind, n in counts.items():
            failures[system][kind] += n
    with warnings.catch_warnings():
        # pymatgen warns about elements without electronegativity (noble gases)
        warnings.simplefilter("ignore", UserWarning)
        formula = [s.composition.reduced_formula for s in structures]
    return Bunch(
        data=structures,
        target=np.asarray(requested, dtype=object),
        space_group=np.asarray([r[2] for r in results], dtype=int),
        requested_space_group=np.asarray([r[1] for r in results], dtype=int),
        formula=np.asarray(formula, dtype=object),
        failures=failures,
        n_failures=int(sum(sum(c.values()) for c in failures.values())),
        DESCR=(
            f"Random crystals from pyxtal: {n_per_class} per crystal system "
            f"({', '.join(systems)}), space groups drawn "
            f"{space_group_distribution!r}, at most {max_atoms} atoms per "
            f"conventional cell, labels verified by spglib at symprec={symprec}"
        ),
    )
