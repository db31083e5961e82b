"""The demo's own little Commons: generated photos served by the Commons double.

The same store is rebuilt at every start from a fixed recipe (same titles, page ids and
pictures), so the entries saved in the demo database keep pointing at real images, and
the demo needs no network.
"""

import random
from datetime import UTC, datetime, timedelta

from app.commons.double import CommonsStore

MOUNT = "/_commons"
EDITIONS = {
    2025: "Images from Wiki Loves Monuments 2025 in Demoland",
    2026: "Images from Wiki Loves Monuments 2026 in Demoland",
}
SITES = [
    "Old Fort",
    "Harbour Lighthouse",
    "Cathedral of Saint Anne",
    "Stone Bridge",
    "Market Hall",
    "Royal Palace",
    "Windmill",
    "City Gate",
    "Monastery",
    "Clock Tower",
    "Amphitheatre",
    "Castle Ruins",
]
PHOTOGRAPHERS = [
    "Abena Mensah",
    "Kwame Boateng",
    "Leila Haddad",
    "Tomás Ferreira",
    "Ingrid Solberg",
    "Rahul Iyer",
    "Mei Lin",
    "Oluwaseun Ade",
    "Sofia Rossi",
    "Demo Juror Ama",  # also a juror: assignment must keep her own photos from her
]
LICENSES = ["CC BY-SA 4.0", "CC BY 4.0", "CC0"]
# People who judge in the demo, with Commons accounts so uploads can be matched to them.
JURORS = ["Demo Juror Ama", "Demo Juror Kofi", "Demo Juror Esi", "Demo Juror Yaw"]
COORDINATOR = "Demo Coordinator"


def demo_store(*, public_url: str) -> CommonsStore:
    store = CommonsStore(public_url=public_url, provenance=False)
    rng = random.Random(2026)
    for n, name in enumerate([COORDINATOR, *JURORS, *PHOTOGRAPHERS]):
        if name not in store._users:
            store.add_user(name, local_id=7_000 + n, central_id=60_000_000 + n)
    for year, category in EDITIONS.items():
        count = 36 if year == 2026 else 20
        september = datetime(year, 9, 1, tzinfo=UTC)
        for n in range(count):
            site = SITES[n % len(SITES)]
            uploaded = september + timedelta(days=rng.randrange(30), minutes=rng.randrange(1440))
            width, height = rng.choice([(4000, 3000), (3000, 4000), (6000, 4000), (4608, 3072)])
            if year == 2026 and n in (7, 19):
                uploaded = datetime(year, 10, 4, 12, tzinfo=UTC)  # uploaded after the deadline
            if year == 2026 and n == 11:
                width, height = 800, 600  # below the round's minimum resolution
            store.add_file(
                f"{site} in Demoland {year} {n + 1:02d}.jpg",
                uploader=PHOTOGRAPHERS[rng.randrange(len(PHOTOGRAPHERS))],
                timestamp=uploaded,
                width=width,
                height=height,
                license=LICENSES[rng.randrange(len(LICENSES))],
                categories=[category],
            )
    return store
