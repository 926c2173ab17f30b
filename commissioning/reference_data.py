"""Reference data every ICB shares: segmentation models and the starting indicator library.

Plain data (loaded by migration 0003), so that it can be read, reviewed and versioned.
"""

GREATER_MANCHESTER = {
    "name": "Greater Manchester population segmentation",
    "version": 1,
    "source": "NHS Confederation, Pioneers of reform (2025)",
    "description": (
        "Eight segments assigned in priority order, most severe first: palliative care, "
        "frailty, cancer, homelessness and substance misuse, mental illness, multiple "
        "long-term conditions, a single long-term condition, good health."
    ),
    "segments": [
        (
            "palliative",
            "Palliative care",
            "On the palliative care register.",
            {"flag": "palliative"},
            "#330072",
        ),
        (
            "frailty",
            "Frailty",
            "Moderate or severe frailty (electronic frailty index).",
            {"field": "frailty", "op": ">=", "value": 2},
            "#7C2855",
        ),
        ("cancer", "Cancer", "On the cancer register.", {"flag": "cancer"}, "#AE2573"),
        (
            "homeless_substance",
            "Homelessness and substance misuse",
            "Homeless or with a substance misuse flag.",
            {"any": [{"flag": "homeless"}, {"flag": "substance_misuse"}]},
            "#ED8B00",
        ),
        (
            "mental_illness",
            "Mental illness",
            "Severe mental illness, or in contact with mental health services.",
            {"any": [{"flag": "smi"}, {"flag": "mental_health_contact"}]},
            "#FFB81C",
        ),
        (
            "multiple_ltc",
            "Multiple long-term conditions",
            "Two or more QOF conditions.",
            {"count": "ltc", "op": ">=", "value": 2},
            "#005EB8",
        ),
        (
            "single_ltc",
            "Single long-term condition",
            "Exactly one QOF condition.",
            {"count": "ltc", "op": "=", "value": 1},
            "#41B6E6",
        ),
        ("good_health", "Good health", "Everyone else.", {"all": []}, "#009639"),
    ],
}

BRIDGES_TO_HEALTH = {
    "name": "Bridges to Health (adapted)",
    "version": 1,
    "source": "Lynn et al., Milbank Quarterly 2007; adapted to the linked dataset's fields",
    "description": (
        "Segments by the course of illness, most severe first. Maternal and infant health "
        "is not identifiable from the dataset and is folded into the other segments."
    ),
    "segments": [
        (
            "short_decline",
            "Short period of decline before dying",
            "On the palliative care register.",
            {"flag": "palliative"},
            "#330072",
        ),
        (
            "long_dwindling",
            "Frailty and long dwindling course",
            "Moderate or severe frailty, or dementia.",
            {"any": [{"field": "frailty", "op": ">=", "value": 2}, {"flag": "dementia"}]},
            "#7C2855",
        ),
        (
            "limited_reserve",
            "Limited reserve and exacerbations",
            "Organ failure: heart failure, COPD or chronic kidney disease.",
            {"any": [{"flag": "heart_failure"}, {"flag": "copd"}, {"flag": "ckd"}]},
            "#AE2573",
        ),
        (
            "serious_disability",
            "Stable but serious disability",
            "Learning disability or severe mental illness.",
            {"any": [{"flag": "learning_disability"}, {"flag": "smi"}]},
            "#ED8B00",
        ),
        (
            "chronic_normal",
            "Chronic conditions, normal function",
            "At least one long-term condition.",
            {"count": "ltc", "op": ">=", "value": 1},
            "#005EB8",
        ),
        (
            "acute_recover",
            "Acutely ill, likely to recover",
            "An emergency admission in the period and no long-term condition.",
            {"field": "emergency_admissions", "op": ">=", "value": 1},
            "#41B6E6",
        ),
        ("healthy", "Healthy", "Everyone else.", {"all": []}, "#009639"),
    ],
}

SEGMENTATION_MODELS = [GREATER_MANCHESTER, BRIDGES_TO_HEALTH]

# (code, name, definition, unit, polarity, source)
INDICATORS = [
    (
        "EMADM_DSR",
        "Emergency admissions, directly age-standardised rate",
        "Emergency hospital admissions per 100,000 population, age-standardised to the "
        "European Standard Population 2013.",
        "per 100,000",
        "lower",
        "Linked dataset (SUS)",
    ),
    (
        "AE_DSR",
        "A&E attendances, directly age-standardised rate",
        "A&E attendances per 100,000 population, age-standardised (ESP2013).",
        "per 100,000",
        "lower",
        "Linked dataset (ECDS)",
    ),
    (
        "HYP_PREV",
        "Hypertension prevalence",
        "People on the QOF hypertension register as a percentage of the registered population.",
        "%",
        "neutral",
        "QOF",
    ),
    (
        "DM_PREV",
        "Diabetes prevalence (17+)",
        "People aged 17 and over on the QOF diabetes "
        "register as a percentage of registered people aged 17 and over.",
        "%",
        "neutral",
        "QOF",
    ),
    (
        "DEP_PREV",
        "Depression prevalence (18+)",
        "People aged 18 and over on the QOF depression "
        "register as a percentage of registered people aged 18 and over.",
        "%",
        "neutral",
        "QOF",
    ),
    (
        "MLTC_PCT",
        "People with multiple long-term conditions",
        "People with two or more QOF conditions as a percentage of the population.",
        "%",
        "lower",
        "Linked dataset",
    ),
    (
        "COST_PER_HEAD",
        "Cost per head",
        "Total attributed health care cost divided by the population.",
        "£",
        "neutral",
        "Linked dataset",
    ),
    (
        "BEDDAYS_DSR",
        "Emergency bed days, directly age-standardised rate",
        "Bed days per 100,000 population, age-standardised (ESP2013).",
        "per 100,000",
        "lower",
        "Linked dataset (SUS)",
    ),
    (
        "SII_EMADM",
        "Slope index of inequality in emergency admissions",
        "Absolute gap in the emergency admission rate between the most and least deprived "
        "ends of the IMD decile scale.",
        "per 100,000",
        "lower",
        "Linked dataset",
    ),
]


def install(segmentation_model_class, segment_class, indicator_class) -> None:
    """Create the shared segmentation models and indicators where missing (idempotent).

    Takes the model classes so that migration 0003 can pass its historical models and
    tests can pass the real ones (after a transactional test's flush, say)."""
    for spec in SEGMENTATION_MODELS:
        model, created = segmentation_model_class.objects.get_or_create(
            icb=None,
            name=spec["name"],
            version=spec["version"],
            defaults={
                "description": spec["description"],
                "source": spec["source"],
                "is_published": True,
            },
        )
        if created:
            for priority, (code, name, description, rule, colour) in enumerate(
                spec["segments"], start=1
            ):
                segment_class.objects.create(
                    model=model,
                    priority=priority,
                    code=code,
                    name=name,
                    description=description,
                    rule=rule,
                    colour=colour,
                )
    for code, name, definition, unit, polarity, source in INDICATORS:
        indicator_class.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "definition": definition,
                "unit": unit,
                "polarity": polarity,
                "source": source,
            },
        )
