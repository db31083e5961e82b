"""The printable ceremony PDF: one A4 landscape page per award, drawn with Pillow.

Pure: it takes the words of each page and the photo's bytes (or None when the photo could
not be fetched) and returns the PDF's bytes. Pillow draws text as pixels, so each page's
attribution also goes into the document's metadata (Subject), where it can be searched and
checked.
"""

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from app.publishing.schemas import AwardPublic

DPI = 150
# A4 landscape at 150 dpi.
WIDTH, HEIGHT = 1754, 1240
MARGIN = 90
PHOTO_TOP, PHOTO_BOTTOM = 240, 950
INK = (32, 33, 34)
SUBTLE = (84, 89, 93)
LINK = (51, 102, 204)
PANEL = (234, 236, 240)
# Photos larger than this are not decoded (a bomb, or not a thumbnail).
MAX_PIXELS = 40_000_000
UNAVAILABLE = "Image unavailable"


@dataclass(frozen=True)
class PageText:
    campaign: str
    award: str
    title: str
    # What Commons asks of a reuse: author and licence, and where the file lives.
    attribution: str
    link: str


@dataclass(frozen=True)
class Page:
    text: PageText
    image: bytes | None


def page_text(award: AwardPublic, *, campaign_name: str) -> PageText:
    """The words on an award's page; the award must have an entry."""
    assert award.entry is not None
    title = award.entry.title.removeprefix("File:")
    return PageText(
        campaign=campaign_name,
        award=award.name,
        title=title.rsplit(".", 1)[0] if "." in title else title,
        attribution=f"Photo: {award.entry.attribution.text}",
        link=award.entry.attribution.file_url,
    )


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu covers most scripts contest entries are titled in; Pillow's bundled font is the
    # offline fallback where it is not installed.
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:  # type: ignore[no-untyped-def]
    """``text`` in lines at most ``width`` pixels wide, breaking at spaces or, for long words
    and URLs, anywhere; the last line ends in an ellipsis if the text does not fit."""
    lines: list[str] = []
    line = ""
    for char_run in _runs(text):
        candidate = line + char_run
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
        piece = char_run.lstrip()
        while draw.textlength(piece, font=font) > width:
            cut = len(piece) - 1
            while cut > 1 and draw.textlength(piece[:cut], font=font) > width:
                cut -= 1
            lines.append(piece[:cut])
            piece = piece[cut:]
        line = piece
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _runs(text: str) -> list[str]:
    """Words with their leading space, so that joining them gives the text back."""
    runs: list[str] = []
    for i, word in enumerate(text.split(" ")):
        runs.append(word if i == 0 else " " + word)
    return runs


def _photo(data: bytes | None, box: tuple[int, int]) -> Image.Image | None:
    if data is None:
        return None
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            return None
        image.draft("RGB", box)  # JPEG: decode at a reduced scale when that is enough
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image = image.convert("RGB")
        image.thumbnail(box, Image.Resampling.LANCZOS)
        return image
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def render_page(page: Page) -> Image.Image:
    sheet = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(sheet)
    inner = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 70), page.text.campaign, font=_font(30), fill=SUBTLE)
    heading = _font(64, bold=True)
    award = _wrap(draw, page.text.award, heading, inner, 1)[0]
    draw.text((MARGIN, 115), award, font=heading, fill=INK)

    box = (inner, PHOTO_BOTTOM - PHOTO_TOP)
    photo = _photo(page.image, box)
    if photo is not None:
        left = MARGIN + (box[0] - photo.width) // 2
        top = PHOTO_TOP + (box[1] - photo.height) // 2
        sheet.paste(photo, (left, top))
    else:
        # A clearly labelled gap rather than no page: the credits below still hold.
        panel = (MARGIN, PHOTO_TOP, MARGIN + box[0], PHOTO_BOTTOM)
        draw.rectangle(panel, fill=PANEL, outline=SUBTLE, width=3)
        label = _font(48, bold=True)
        width = draw.textlength(UNAVAILABLE, font=label)
        middle = (PHOTO_TOP + PHOTO_BOTTOM) // 2
        draw.text(((WIDTH - width) / 2, middle - 30), UNAVAILABLE, font=label, fill=SUBTLE)

    y = PHOTO_BOTTOM + 30
    for text, font, colour, max_lines, gap in (
        (page.text.title, _font(38, bold=True), INK, 1, 50),
        (page.text.attribution, _font(28), INK, 2, 38),
        (page.text.link, _font(24), LINK, 2, 32),
    ):
        for line in _wrap(draw, text, font, inner, max_lines):
            draw.text((MARGIN, y), line, font=font, fill=colour)
            y += gap
        y += 6
    return sheet


def render(*, title: str, pages: list[Page]) -> bytes:
    """The PDF of ``pages``, in order; at least one page."""
    if not pages:
        raise ValueError("A PDF needs at least one page.")
    sheets = [render_page(page) for page in pages]
    out = io.BytesIO()
    sheets[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=sheets[1:],
        resolution=DPI,
        quality=88,
        title=title,
        subject=" | ".join(f"{p.text.award}: {p.text.attribution}, {p.text.link}" for p in pages),
        creator="Loupe",
    )
    return out.getvalue()
