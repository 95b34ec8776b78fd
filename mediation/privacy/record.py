"""The record of processing (GDPR Art. 30), generated from the data inventory."""

from __future__ import annotations

from mediation.privacy.inventory import INVENTORY, OTHER_TABLES, Personal, Pseudonymous


def record_of_processing() -> str:
    """Return docs/record-of-processing.md as Markdown."""
    lines = [
        "# Record of processing",
        "",
        "Generated from `mediation/privacy/inventory.py` by `manage.py inventory_report`;",
        "do not edit by hand. A test fails when this file and the inventory disagree.",
        "",
        "## Personal data",
        "",
        "| field | whose | purpose | legal basis | retention | who may see it | protection |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, fields in sorted(INVENTORY.items()):
        for name, item in fields.items():
            if isinstance(item, Personal):
                protection = (
                    f"not encrypted: {item.unencrypted_because}"
                    if item.unencrypted_because
                    else "encrypted with the case's key"
                )
                audience = "; ".join(item.visible_to) or "nobody (used by the system only)"
                lines.append(
                    f"| `{label}.{name}` | {item.subject} | {item.purpose} | "
                    f"{item.legal_basis} | {item.retention} | {audience} | {protection} |"
                )
    lines += [
        "",
        "## Pseudonymous data",
        "",
        "Codes, dates and random ids, about a person only through a case or party id.",
        "",
        "| field | purpose | retention |",
        "|---|---|---|",
    ]
    for label, fields in sorted(INVENTORY.items()):
        for name, item in fields.items():
            if isinstance(item, Pseudonymous):
                lines.append(f"| `{label}.{name}` | {item.purpose} | {item.retention} |")
    lines += ["", "## Other tables", ""]
    lines += [f"- `{table}`: {note}" for table, note in sorted(OTHER_TABLES.items())]
    lines += [
        "",
        "All other fields are classified as not personal (identifiers, configuration).",
        "",
    ]
    return "\n".join(lines)
