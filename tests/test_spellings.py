"""Names without their accents, as readers type them into search (generator/render/spellings.py)."""

from __future__ import annotations

from generator.render.spellings import unaccented, unaccented_names, unaccented_spellings


def test_accents_are_taken_off_and_other_letters_spelled_out() -> None:
    assert unaccented("Assimi Goïta") == "Assimi Goita"
    assert unaccented("Confédération des États du Sahel") == "Confederation des Etats du Sahel"
    assert unaccented("Œuvre, Straße, Łódź, Ørsted") == "OEuvre, Strasse, Lodz, Orsted"
    assert unaccented("Jama'at Nusrat al-Islam") == "Jama'at Nusrat al-Islam"


def test_only_spellings_the_names_do_not_already_give_are_added() -> None:
    assert unaccented_spellings(["Assimi Goïta", "Assimi Goita"]) == []
    assert unaccented_spellings(["Ibrahim Traoré", "IBRAHIM TRAORE"]) == []
    assert unaccented_spellings(["Roch Kaboré", "Roch Marc Christian Kaboré", "Roch Kaboré"]) == [
        "Roch Kabore",
        "Roch Marc Christian Kabore",
    ]
    assert unaccented_spellings(["Mali", "JNIM"]) == []


def test_a_texts_names_with_accents_are_given_without_them_once_each() -> None:
    text = (
        "Col. Assimi Goïta spoke at Sénou; the Alliance des États du Sahel, Goïta said, "
        "was formed. Ça. déjà vu, N’Daw, Tiémoko_Koné, Вагнер, Mali."
    )
    assert unaccented_names(text) == ["Goita", "Senou", "Etats", "Tiemoko_Kone"]
    assert unaccented_names("Mali, JNIM and Bamako.") == []
