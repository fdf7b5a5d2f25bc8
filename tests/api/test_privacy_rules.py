"""What a match shows from outside a person's cases (privacy.outside_case), whatever
the person wrote."""

from arraigo.api.schemas import MatchOut
from arraigo.api.services.privacy import outside_case


def test_outside_a_case_a_match_quotes_nothing_of_the_profile_even_with_its_own_guillemets():
    match = MatchOut(
        rank=1,
        person_id="P1",
        vacancy_id="V1",
        score=0.6,
        blockers=["necesita RFC"],
        reason="Afinidad alta (60 %): el perfil muestra el oficio de soldador. Aún no "
        "cumple: necesita RFC.",
        evidence="«soldé 5 años» en el penal de Tapachula, «libre» desde 2024»",
        full_name="Jean Pierre",
    )
    seen = outside_case(match)
    assert seen.evidence == "" and seen.full_name is None and seen.blockers == []
    assert "RFC" not in seen.reason and "Tapachula" not in seen.model_dump_json()
    assert seen.score == match.score and seen.vacancy_id == "V1"
