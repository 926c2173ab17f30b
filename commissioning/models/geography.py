"""The area tree: multi-ICB footprint > ICB > place > neighbourhood > LSOA."""

from django.db import models
from django.db.models import Q


class AreaLevel(models.TextChoices):
    FOOTPRINT = "footprint", "Multi-ICB footprint"
    ICB = "icb", "Integrated care board"
    PLACE = "place", "Place"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    LSOA = "lsoa", "LSOA"


# The level each level's parent must have.
PARENT_LEVEL = {
    AreaLevel.FOOTPRINT: None,
    AreaLevel.ICB: AreaLevel.FOOTPRINT,
    AreaLevel.PLACE: AreaLevel.ICB,
    AreaLevel.NEIGHBOURHOOD: AreaLevel.PLACE,
    AreaLevel.LSOA: AreaLevel.NEIGHBOURHOOD,
}


class Area(models.Model):
    """One node of the area tree.

    `icb` points every ICB, place, neighbourhood and LSOA at the ICB it sits in (an ICB
    at itself), so that scoping by ICB is one indexed filter rather than a tree walk.
    LSOAs (2021 codes, E01…) carry their IMD 2019 decile (1 = most deprived 10%) and
    their resident population.
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    icb = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The ICB this area belongs to (an ICB belongs to itself).",
    )
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="IMD decile, 1 = most deprived 10% (LSOAs only)."
    )
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Resident population (LSOAs only)."
    )

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["icb", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
                name="area_imd_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(level="lsoa") | Q(imd_decile__isnull=True),
                name="area_imd_only_on_lsoa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_core20(self) -> bool:
        """Core20: the most deprived 20% nationally, IMD deciles 1 and 2."""
        return self.imd_decile is not None and self.imd_decile <= 2

    def ancestors(self) -> list["Area"]:
        """From the top of the tree down to this area's parent."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))
