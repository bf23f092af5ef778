"""The restricted frequency list: roles, the outcome table, and what a declaration must state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builders import volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.errors import InvalidInput
from deconflict.domain.operation import DeclarationKind
from deconflict.domain.restricted_frequency import (
    SpectrumOutcome,
    SpectrumRole,
    check_declaration,
    spectrum_outcome,
    spectrum_role,
)
from deconflict.domain.spectrum import FrequencyBand

BAND = FrequencyBand(406.0e6, 406.1e6)
EMISSION, TABOO, PROTECTED, GUARDED = (
    SpectrumRole.EMISSION,
    SpectrumRole.TABOO,
    SpectrumRole.PROTECTED,
    SpectrumRole.GUARDED,
)
OP, ZONE, SPECTRUM = DeclarationKind.OPERATION, DeclarationKind.ZONE, ActivityDomain.SPECTRUM


@pytest.mark.parametrize(
    ("submitted", "existing", "outcome"),
    [
        (EMISSION, EMISSION, SpectrumOutcome.CONFLICT),
        (EMISSION, TABOO, SpectrumOutcome.REFUSE),
        (EMISSION, PROTECTED, SpectrumOutcome.CONFLICT),
        (EMISSION, GUARDED, SpectrumOutcome.CONFLICT),
        (TABOO, EMISSION, SpectrumOutcome.CONFLICT),  # an entry over an existing emission is accepted
        (PROTECTED, EMISSION, SpectrumOutcome.CONFLICT),
        (GUARDED, EMISSION, SpectrumOutcome.CONFLICT),
        (TABOO, TABOO, SpectrumOutcome.NONE),
        (PROTECTED, GUARDED, SpectrumOutcome.NONE),
        (GUARDED, TABOO, SpectrumOutcome.NONE),
    ],
)
def test_outcome_table(submitted: SpectrumRole, existing: SpectrumRole, outcome: SpectrumOutcome) -> None:
    assert spectrum_outcome(submitted, existing) is outcome


def test_roles_follow_domain_kind_and_category() -> None:
    assert spectrum_role(ActivityDomain.AIR, OP, "transit") is None
    assert spectrum_role(SPECTRUM, OP, "jamming") is EMISSION
    assert spectrum_role(SPECTRUM, ZONE, "TABOO") is TABOO
    assert spectrum_role(SPECTRUM, ZONE, "guarded") is GUARDED
    assert spectrum_role(SPECTRUM, ZONE, "odd") is PROTECTED  # cautious reading of an unchecked one


def test_an_emission_needs_band_and_power_and_a_known_category() -> None:
    emission = replace(volume(), band=BAND, eirp_dbm=40.0)
    assert check_declaration(SPECTRUM, OP, "Jamming", [emission]) == (EMISSION, "jamming")
    assert check_declaration(SPECTRUM, OP, "", [emission]) == (EMISSION, "")
    with pytest.raises(InvalidInput) as no_power:
        check_declaration(SPECTRUM, OP, "radar", [emission, replace(volume(), band=BAND)])
    assert no_power.value.field == "features[1].properties.eirp_dbm"
    with pytest.raises(InvalidInput) as no_band:
        check_declaration(SPECTRUM, OP, "radar", [volume()])
    assert no_band.value.field == "features[0].properties.band_low_hz"
    with pytest.raises(InvalidInput) as category:
        check_declaration(SPECTRUM, OP, "weather", [emission])
    assert category.value.field == "category"


def test_an_entry_is_taboo_protected_or_guarded_and_emits_nothing() -> None:
    entry = replace(volume(), band=BAND)
    assert check_declaration(SPECTRUM, ZONE, "TABOO", [entry]) == (TABOO, "taboo")
    assert check_declaration(SPECTRUM, ZONE, " Protected ", [entry]) == (PROTECTED, "protected")
    with pytest.raises(InvalidInput) as category:
        check_declaration(SPECTRUM, ZONE, "restricted", [entry])
    assert category.value.field == "category"
    with pytest.raises(InvalidInput) as power:
        check_declaration(SPECTRUM, ZONE, "taboo", [replace(entry, eirp_dbm=10.0)])
    assert power.value.field == "features[0].properties.eirp_dbm"


def test_other_domains_must_not_carry_a_band() -> None:
    assert check_declaration(ActivityDomain.AIR, OP, "transit", [volume()]) == (None, "transit")
    with pytest.raises(InvalidInput) as error:
        check_declaration(ActivityDomain.GROUND, OP, "", [volume(), replace(volume(), band=BAND)])
    assert error.value.field == "features[1].properties.band_low_hz"
