"""The demo ICB's contracts with its providers (plain data; no Django).

About forty contracts covering every payment model, sized in pounds per resident so that
a demo of 200,000 people spends roughly what an ICB of that size would (about £1,900 a
head in active contracts with these providers). Values are Decimal pounds, rounded to the pound.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from commissioning.demo import DEMO_ICB_ODS

# (provider ODS code, title, service or pathway, payment model, £ per resident a year,
#  first financial year, number of years, status)
# fmt: off
CATALOGUE = [
    ("R9A", "Acute services contract", "Acute hospital services, all specialties",
     "aligned", 560, 2026, 1, "active"),
    ("R9A", "Elective orthopaedics recovery", "Trauma and orthopaedics: elective hip and knee",
     "activity", 22, 2025, 2, "active"),
    ("R9A", "Lung cancer pathway", "Lung cancer: referral to treatment",
     "bundled", 9, 2025, 3, "active"),
    ("R9A", "Maternity services", "Maternity and neonatal care",
     "block", 45, 2026, 1, "active"),
    ("R9A", "Same day emergency care", "Urgent and emergency care: same day emergency care",
     "block", 14, 2026, 1, "active"),
    ("R9B", "Acute services contract", "Acute hospital services, all specialties",
     "aligned", 430, 2026, 1, "active"),
    ("R9B", "Acute services contract", "Acute hospital services, all specialties",
     "aligned", 415, 2025, 1, "expired"),
    ("R9B", "Community diagnostic centre", "Diagnostics: imaging, endoscopy and physiology",
     "activity", 18, 2024, 3, "active"),
    ("R9B", "Hip fracture pathway", "Fragility fracture: hip fracture best practice",
     "bundled", 5, 2025, 3, "active"),
    ("R9B", "Stroke services", "Stroke: hyperacute and acute stroke unit",
     "aligned", 12, 2026, 1, "active"),
    ("R9C", "Specialised services", "Cardiology, renal and neurosciences",
     "aligned", 140, 2026, 1, "active"),
    ("R9C", "Cardiac rehabilitation", "Cardiac rehabilitation after a heart attack",
     "outcome", 2.5, 2025, 3, "active"),
    ("R9D", "Community services contract", "Adult community nursing and therapies",
     "block", 95, 2024, 5, "active"),
    ("R9D", "Virtual wards", "Hospital at home: frailty and respiratory virtual wards",
     "capitated", 11, 2025, 3, "active"),
    ("R9D", "Integrated frailty pathway", "Frailty: proactive care for moderate and severe frailty",
     "gain_loss", 16, 2026, 3, "active"),
    ("R9D", "Urgent community response", "Two-hour urgent community response",
     "outcome", 6, 2025, 2, "active"),
    ("R9E", "Community services contract", "Adult community nursing and therapies",
     "block", 70, 2024, 5, "active"),
    ("R9E", "Children's community services", "Children's community nursing and therapies",
     "block", 12, 2024, 5, "active"),
    ("R9E", "Diabetes structured education", "Diabetes: structured education and remission",
     "outcome", 1.6, 2025, 3, "active"),
    ("R9F", "Mental health services contract", "Adult and older adult mental health services",
     "aligned", 165, 2026, 1, "active"),
    ("R9F", "NHS Talking Therapies", "Talking therapies for anxiety and depression",
     "activity", 14, 2025, 3, "active"),
    ("R9F", "Community mental health", "Community mental health care for severe mental illness",
     "capitated", 20, 2025, 3, "active"),
    ("R9G", "Emergency ambulance services", "999 emergency ambulance response",
     "aligned", 60, 2026, 1, "active"),
    ("R9G", "NHS 111 and clinical assessment", "NHS 111 and clinical assessment service",
     "block", 12, 2024, 5, "active"),
    ("N9A", "Social prescribing link workers", "Social prescribing",
     "block", 1.5, 2025, 3, "active"),
    ("N9A", "Community health connectors", "Inequalities: connectors in Core20 neighbourhoods",
     "outcome", 0.8, 2026, 2, "active"),
    ("N9B", "Carers support", "Support for unpaid carers",
     "block", 1.2, 2024, 3, "active"),
    ("N9C", "Specialist palliative care", "Hospice inpatient and community palliative care",
     "block", 9, 2024, 5, "active"),
    ("N9C", "End of life care coordination", "Palliative care coordination hub",
     "gain_loss", 2, 2026, 3, "active"),
    ("N9D", "Home from hospital", "Discharge support for older people",
     "outcome", 1.4, 2025, 2, "active"),
    ("N9E", "Crisis café", "Mental health crisis alternative",
     "block", 0.9, 2025, 3, "active"),
    ("N9F", "Cataract surgery", "Ophthalmology: cataract surgery",
     "activity", 6, 2025, 3, "active"),
    ("N9G", "Diagnostic imaging", "Diagnostics: MRI and CT",
     "activity", 5, 2025, 3, "active"),
    ("N9H", "MSK first contact physiotherapy", "Musculoskeletal: first contact physiotherapy",
     "activity", 4, 2025, 3, "active"),
    ("N9H", "MSK physiotherapy (previous contract)", "Musculoskeletal physiotherapy",
     "activity", 3.5, 2023, 2, "expired"),
    ("N9J", "Community dermatology", "Dermatology: community service",
     "activity", 2.5, 2025, 3, "active"),
    ("N9K", "Elective hip and knee surgery", "Trauma and orthopaedics: elective hip and knee",
     "activity", 9, 2025, 3, "active"),
    ("N9L", "Discharge to assess: home care", "Discharge to assess, pathway 1",
     "outcome", 4.5, 2025, 2, "active"),
    ("N9L", "Reablement at home", "Reablement (jointly funded with the councils)",
     "block", 3, 2025, 3, "active"),
    ("N9M", "Enhanced access", "Evening and weekend GP appointments",
     "capitated", 9.6, 2024, 5, "active"),
    ("N9M", "Enhanced health in care homes", "Care home residents: weekly ward rounds",
     "capitated", 3, 2025, 3, "active"),
]
# fmt: on
MINIMUM_VALUE = 10_000


def contract_rows(*, seed: int, people: int) -> list[dict]:
    """The demo contracts as dicts: provider_code, reference, title, service, start_date,
    end_date, annual_value (Decimal pounds), payment_model, status. Values scale with the
    number of residents, with a little seeded variation."""
    rng = np.random.default_rng([seed, 2026])
    variation = rng.uniform(0.93, 1.07, len(CATALOGUE))
    rows = []
    for number, (entry, jitter) in enumerate(zip(CATALOGUE, variation, strict=True), start=1):
        provider, title, service, payment, per_head, first_year, years, status = entry
        value = max(MINIMUM_VALUE, round(per_head * people * jitter))
        rows.append(
            {
                "provider_code": provider,
                "reference": f"{DEMO_ICB_ODS}-{first_year % 100:02d}-{number:03d}",
                "title": f"{title} {first_year}/{(first_year + 1) % 100:02d}"
                if years == 1
                else title,
                "service": service,
                "start_date": date(first_year, 4, 1),
                "end_date": date(first_year + years, 3, 31),
                "annual_value": Decimal(value).quantize(Decimal("0.01")),
                "payment_model": payment,
                "status": status,
            }
        )
    return rows
