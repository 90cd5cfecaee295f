"""Chinese resident ID numbers (GB 11643-1999): check digit and masking."""

import datetime as dt

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Return a Chinese message saying what is wrong with an ID number, or None if valid."""
    value = value.strip().upper()
    if len(value) != 18:
        return "身份证号应为18位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，末位为数字或X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if check_digit(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    return None


def birth_date_from(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def make_id_number(region: str, birth: dt.date, serial: int) -> str:
    """A valid number (demo data, tests): 6-digit region, birth date, 3-digit serial."""
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_digit(first17)
