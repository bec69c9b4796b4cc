"""The privacy lint's own checks of bank account numbers (IBAN) and citizen service numbers
(BSN) against python-stdnum, which kwartaal used before: the same verdicts, or a stricter
lint (an IBAN whose account part has another layout than its country's is still reported)."""

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
    for _ in range(50_000):
        number = f"{rng.randrange(10**9):09d}"
        assert valid_bsn(number) == bsn.is_valid(number), number
    for number in ("111222333", "123456782", "000000000", "12345678", "1234567890", "１２３456782"):
        assert valid_bsn(number) == bsn.is_valid(number), number


def test_iban_as_stdnum_or_stricter() -> None:
    for number in KNOWN:
        assert valid_iban(number) and iban.is_valid(number), number
        changed = number[:-1] + ("0" if number[-1] != "0" else "1")
        assert not valid_iban(changed) and not iban.is_valid(changed), changed
    rng = random.Random(11)
    for _ in range(3_000):
        country = rng.choice(sorted(IBAN_LENGTHS))
        rest = IBAN_LENGTHS[country] - 4
        account = "".join(rng.choice(string.digits + string.ascii_uppercase[:rng.choice((0, 26))])
                          for _ in range(rest))
        for check in range(100):
            number = f"{country}{check:02d}{account}"
            if iban.is_valid(number):  # stdnum's verdict is never missed
                assert valid_iban(number), number
            if valid_iban(number):
                assert int("".join(str(int(c, 36)) for c in number[4:] + number[:4])) % 97 == 1
