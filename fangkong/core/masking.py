"""Masking of sensitive personal data: shown masked unless revealed with a reason."""

MASK = "*"


def mask_document(number: str) -> str:
    """Keep the first 3 and last 4 characters: 110***********4518."""
    if not number:
        return ""
    if len(number) <= 7:
        return number[:1] + MASK * (len(number) - 1)
    return number[:3] + MASK * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    if not number:
        return ""
    if len(number) <= 7:
        return MASK * (len(number) - 2) + number[-2:]
    return number[:3] + MASK * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """Keep the surname (the first character): 张三丰 → 张**. For pages without an account."""
    name = name.strip()
    if not name:
        return ""
    return name[:1] + MASK * max(len(name) - 1, 1)
