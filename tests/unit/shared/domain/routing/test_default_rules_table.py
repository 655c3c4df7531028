"""The default rules against the referral cheat-sheet (DOMAIN.md §3), one row per signal.

Each row says which pillars a case goes to and where the search for each begins, so a
change to default_rules.toml that drifts from the cheat-sheet fails here by name.
"""

from __future__ import annotations

import re

import pytest

from shared.domain import categories
from shared.domain.routing.facts import AgeBand, CaseFacts, DisasterScope, Need
from shared.domain.routing.rules import load_default

RULES = load_default()
VILLAGE = "35.08.01.2001"  # Tegalrejo, Tempursari, Lumajang

# (pillar, start_level) pairs, and (pillar, start_level, care) where care matters.
Task = tuple[str, str]
CaredTask = tuple[str, str, str]

TKSK = ("TKSK", "district")
PSM = ("PSM", "village")
PUSKESOS = ("PUSKESOS", "village")
TAGANA = ("TAGANA", "regency")
CSR = ("CSR", "regency")

# §3, "first pillar" column, when nothing but the category is known.
FIRST_PILLAR: dict[str, list[Task]] = {
    # ABT, AT, ANJAL, ABH, AKTK, AMPK: TKSK (with PSM). ADK is not on the cheat-sheet; it
    # is a child category and goes the children's way.
    **{c: [TKSK] for c in ("ABT", "AT", "ABH", "ANJAL", "ADK", "AKTK", "AMPK")},
    "LUT": [TKSK],  # TKSK, with PSM and the PKH Plus companion in the purpose
    "PD": [TKSK],  # TKSK (with JSC); JSC itself only in an emergency, see below
    **{c: [TKSK] for c in ("GEL", "PENG", "PEM")},
    **{c: [TKSK] for c in ("KPN", "ODHA", "KTR", "PMBS", "TS", "BWBLP")},
    **{c: [TAGANA] for c in ("KBA", "KBS")},  # Tagana of the kab/kota
    **{c: [PSM] for c in ("KBSP", "KTK")},  # PSM (with LK3)
    "FM": [PUSKESOS],  # not on the aid list: Puskesos/SLRT of the village
    **{c: [PSM] for c in ("PRSE", "KAT", "KM")},
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plan(
    category: str,
    *needs: Need,
    urgency: str = "normal",
    age_band: AgeBand | None = None,
    disaster_scope: DisasterScope | None = None,
) -> list[CaredTask]:
    case = CaseFacts(category, VILLAGE, urgency, frozenset(needs), age_band, disaster_scope)
    return [(p.task.pillar, p.task.start_level.value, p.task.care.value) for p in RULES.plan(case)]


def community(*tasks: Task) -> list[CaredTask]:
    return [(pillar, level, "community") for pillar, level in tasks]


def test_the_table_names_every_ppks_category_once() -> None:
    assert sorted(FIRST_PILLAR) == sorted(categories.BY_CODE)


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        pytest.param(code, tasks, id=f"{code}-{slug(categories.BY_CODE[code].name_en)}")
        for code, tasks in FIRST_PILLAR.items()
    ],
)
def test_a_category_with_nothing_else_known_goes_to_its_first_pillar(
    category: str, expected: list[Task]
) -> None:
    assert plan(category) == community(*expected)


@pytest.mark.parametrize(
    ("category", "need", "expected"),
    [
        pytest.param(
            "PRSE", Need.AID_ENROLMENT, community(PSM, PUSKESOS),
            id="aid_enrolment-PRSE-adds-the-village-puskesos",
        ),
        pytest.param(
            "LUT", Need.HEALTH_INSURANCE, community(TKSK, PUSKESOS),
            id="health_insurance-LUT-adds-the-village-puskesos",
        ),
        pytest.param(
            "FM", Need.MEDICAL_COSTS, community(TKSK, CSR),
            id="medical_costs-FM-tksk-accompanies-csr-funds-instead-of-puskesos",
        ),
        pytest.param(
            "LUT", Need.RESIDENTIAL_CARE,
            [(*TKSK, "community"), ("LKS", "province", "residential")],
            id="residential_care-LUT-provincial-lks-residential",
        ),
        pytest.param(
            "FM", Need.HOUSING, community(PUSKESOS, TKSK, CSR),
            id="housing-FM-tksk-proposes-csr-funds",
        ),
        pytest.param(
            "GEL", Need.CIVIL_DOCUMENTS, community(TKSK, PUSKESOS),
            id="civil_documents-GEL-puskesos-refers-to-the-civil-registry",
        ),
        pytest.param(
            "GEL", Need.REPATRIATION, community(TKSK, ("DINSOS", "province")),
            id="repatriation-GEL-tksk-then-the-province-decides",
        ),
        pytest.param(
            "KBA", Need.DISASTER_RELIEF, community(TAGANA, CSR),
            id="disaster_relief-KBA-tagana-and-csr-goods",
        ),
        pytest.param(
            "KBSP", Need.FAMILY_CONFLICT, community(PSM, ("LK3", "regency")),
            id="family_conflict-KBSP-psm-with-lk3-counselling",
        ),
        pytest.param(
            "KPN", Need.YOUTH, community(TKSK, ("KARANG_TARUNA", "village")),
            id="youth-KPN-adds-the-village-karang-taruna",
        ),
    ],
)  # fmt: skip
def test_a_need_adds_the_pillar_the_cheat_sheet_names(
    category: str, need: Need, expected: list[CaredTask]
) -> None:
    assert plan(category, need) == expected


def test_every_need_has_a_row_above() -> None:
    covered = {
        Need.AID_ENROLMENT, Need.HEALTH_INSURANCE, Need.MEDICAL_COSTS, Need.RESIDENTIAL_CARE,
        Need.HOUSING, Need.CIVIL_DOCUMENTS, Need.REPATRIATION, Need.DISASTER_RELIEF,
        Need.FAMILY_CONFLICT, Need.YOUTH,
    }  # fmt: skip
    assert covered == set(Need)


@pytest.mark.parametrize(
    "category", ["AT", "PD", "GEL", "KPN"], ids=lambda c: f"{c}-residential-to-the-province"
)
def test_residential_care_is_asked_of_a_provincial_lks_for_any_category(category: str) -> None:
    assert plan(category, Need.RESIDENTIAL_CARE) == [
        (*TKSK, "community"),
        ("LKS", "province", "residential"),
    ]


@pytest.mark.parametrize(
    ("urgency", "expected"),
    [
        pytest.param("emergency", community(PUSKESOS, TKSK), id="emergency-tksk-added"),
        pytest.param("high", community(PUSKESOS, TKSK), id="high-tksk-added"),
        pytest.param("normal", community(PUSKESOS), id="normal-puskesos-only"),
        pytest.param("low", community(PUSKESOS), id="low-puskesos-only"),
    ],
)
def test_urgent_health_insurance_of_a_destitute_person_adds_the_tksk(
    urgency: str, expected: list[CaredTask]
) -> None:
    assert plan("FM", Need.HEALTH_INSURANCE, urgency=urgency) == expected


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        pytest.param("LUT", community(TKSK, PUSKESOS), id="LUT-keeps-puskesos"),
        pytest.param("PRSE", community(PSM, PUSKESOS, TKSK), id="PRSE-keeps-puskesos"),
    ],
)
def test_urgent_health_insurance_keeps_the_puskesos_reactivation(
    category: str, expected: list[CaredTask]
) -> None:
    assert plan(category, Need.HEALTH_INSURANCE, urgency="high") == expected


@pytest.mark.parametrize(
    ("urgency", "expected"),
    [
        pytest.param("emergency", community(TKSK, ("JSC", "province")), id="emergency-adds-jsc"),
        pytest.param("high", community(TKSK), id="high-tksk-only"),
        pytest.param("normal", community(TKSK), id="normal-tksk-only"),
    ],
)
def test_a_disability_emergency_calls_jatim_social_care(
    urgency: str, expected: list[CaredTask]
) -> None:
    assert plan("PD", urgency=urgency) == expected


@pytest.mark.parametrize("category", ["KBA", "KBS"])
@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        pytest.param(None, community(TAGANA), id="scope-unknown"),
        pytest.param(DisasterScope.LOCAL, community(TAGANA), id="local"),
        pytest.param(DisasterScope.REGENCY, community(TAGANA), id="regency"),
        pytest.param(
            DisasterScope.PROVINCIAL,
            community(TAGANA, ("DINSOS", "province")),
            id="provincial-adds-dinsos-province",
        ),
    ],
)
def test_a_provincial_disaster_also_goes_to_the_provincial_dinsos(
    category: str, scope: DisasterScope | None, expected: list[CaredTask]
) -> None:
    assert plan(category, urgency="emergency", disaster_scope=scope) == expected


@pytest.mark.parametrize(
    "category", ["LUT", "FM", "AT", "PD", "KBSP"], ids=lambda c: f"{c}-same-plan-at-every-age"
)
def test_the_age_band_alone_does_not_change_the_plan(category: str) -> None:
    """No default rule conditions on the age band: the category already says it (AT, LUT)."""
    unknown = plan(category)
    assert all(plan(category, age_band=band) == unknown for band in AgeBand)
