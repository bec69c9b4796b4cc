"""The privacy lint's checks of bank account numbers (IBAN) and citizen service numbers (BSN):
the same verdicts as python-stdnum's, with its slow import only for an IBAN candidate that
passes the check digits; and no IBAN in ordinary Dutch sentences."""

from __future__ import annotations

import random
import string

from stdnum import iban
from stdnum.nl import bsn

from kwartaal.core.detect import IBAN_LENGTHS, valid_bsn, valid_iban

KNOWN = ["NL91ABNA0417164300", "GB82WEST12345698765432", "DE89370400440532013000",
         "BE71096123456769", "FR1420041010050500013M02606", "ES9121000418450200051332",
         "IT60X0542811101000000123456", "CH9300762011623852957", "NO9386011117947"]


def test_bsn_as_stdnum() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        number = f"{rng.randrange(10**9):09d}"
        assert valid_bsn(number) == bsn.is_valid(number), number
    for number in ("111222333", "123456782", "000000000", "12345678", "1234567890", "１２３456782"):
        assert valid_bsn(number) == bsn.is_valid(number), number


def test_iban_as_stdnum() -> None:
    for number in KNOWN:
        assert valid_iban(number) and iban.is_valid(number), number
        changed = number[:-1] + ("0" if number[-1] != "0" else "1")
        assert not valid_iban(changed) and not iban.is_valid(changed), changed
    rng = random.Random(11)
    for _ in range(1_000):
        country = rng.choice(sorted(IBAN_LENGTHS))
        rest = IBAN_LENGTHS[country] - 4
        account = "".join(rng.choice(string.digits + string.ascii_uppercase[:rng.choice((0, 26))])
                          for _ in range(rest))
        for check in range(100):
            number = f"{country}{check:02d}{account}"
            assert valid_iban(number) == iban.is_valid(number), number


def test_every_country_stdnum_knows_has_a_length() -> None:
    import os
    import re

    import stdnum

    data = os.path.join(os.path.dirname(stdnum.__file__), "iban.dat")
    with open(data, encoding="utf-8") as handle:
        for line in handle:
            found = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
            if found:
                country, layout = found.groups()
                length = 4 + sum(int(n) for n in re.findall(r"(\d+)!?[nac]", layout))
                assert IBAN_LENGTHS.get(country) == length, country


def test_ordinary_sentences_hold_no_iban() -> None:
    from kwartaal.core.detect import personal_number

    for count in range(100):
        for sentence in (f"Er waren de {count:02d} deelnemers bij de jaarbijeenkomst",
                         f"Het is {count:02d} graden en de zaal is vol met bezoekers",
                         f"at {count:02d} meetings the working group reported back"):
            assert not personal_number(sentence), sentence
