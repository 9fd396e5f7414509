"""Pages' building blocks without a browser: every word in both languages, and the
offline map's projection."""

from __future__ import annotations

import math
import re
from pathlib import Path

from shapely.geometry import box

from allocation.models import CaseStatus, OfferStatus
from allocation.workflow import DeclineReason
from api.auth import Role
from api.web.i18n import STRINGS, pick_lang, translator
from api.web.map import draw
from inventory.models import AllocationRight, UnitKind, VacancyStatus

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "web" / "templates"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")


def test_every_key_a_template_or_page_uses_exists_in_danish_and_english() -> None:
    used: set[str] = set()
    sources = [*TEMPLATES.glob("*.html"), *TEMPLATES.parent.glob("*.py")]
    for source in sources:
        used |= set(LITERAL_KEY.findall(source.read_text("utf-8")))
    # Keys built from values: t("kind_" ~ unit.kind.value) and the like.
    used |= {f"kind_{k.value}" for k in UnitKind}
    used |= {f"vstatus_{s.value}" for s in VacancyStatus}
    used |= {f"offer_status_{s.value}" for s in OfferStatus}
    used |= {f"reason_{r.value}" for r in DeclineReason}
    used |= {f"case_status_{s.value}" for s in CaseStatus}
    used |= {f"alloc_{a.value}" for a in AllocationRight}
    used |= {f"role_{r.value}" for r in Role}
    used |= {f"situation_{n}" for n in range(1, 10)}
    used |= {f"state_{s}" for s in ("queued", "running", "finished", "failed")}
    missing = sorted(used - set(STRINGS))
    assert not missing, f"no translation for {missing}"
    for key, (danish, english) in STRINGS.items():
        assert danish.strip() and english.strip(), key
        assert set(re.findall(r"{(\w+)}", danish)) == set(re.findall(r"{(\w+)}", english)), key


def test_language_choice_and_lookup() -> None:
    assert pick_lang(None, None) == "da"
    assert pick_lang("en", "da") == "en"
    assert pick_lang(None, "en") == "en"
    assert pick_lang("fr", None) == "da"
    assert translator("en")("days_left", n=3) == "3 days left"
    assert translator("da")("days_left", n=3) == "3 dage tilbage"


def test_map_projects_districts_and_homes_into_the_view_box() -> None:
    west, south = 10.30, 55.35
    districts = [
        ("Vest", box(west, south, west + 0.1, south + 0.05)),
        ("Øst", box(west + 0.1, south, west + 0.2, south + 0.05)),
    ]
    homes = [
        (1, west + 0.05, south + 0.025, "open", "a"),
        (2, west + 0.15, south + 0.04, "offered", "b"),
    ]
    drawing = draw(districts, homes)
    assert drawing.width == 800
    # Equirectangular: 0.2° of longitude at 55.375° N spans 0.2 · cos(55.375°) degrees of
    # latitude, so the 0.2° × 0.05° area is drawn with that aspect ratio.
    expected = 0.05 / (0.2 * math.cos(math.radians(55.375)))
    assert abs((drawing.height - 40) / (drawing.width - 40) - expected) < 0.01
    vest, _east = drawing.districts
    assert vest.path.startswith("M") and vest.path.endswith("Z")
    first, second = drawing.points
    assert 20 <= first.x < 410 < second.x <= 780  # west home in the west half
    assert second.y < first.y  # further north is higher up
    assert all(20 <= p.y <= drawing.height - 20 for p in drawing.points)
    assert draw([], []).points == []
