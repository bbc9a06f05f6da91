"""Google's rich-result types: the properties each needs (required) and wants (recommended).

The lists follow Google Search Central's structured-data pages (read 2026-11):

- Product, Offer, AggregateOffer, Review in a Product: https://developers.google.com/search/docs/appearance/structured-data/product-snippet
  (image, description, brand and an identifier are the merchant-listing page's:
  https://developers.google.com/search/docs/appearance/structured-data/merchant-listing)
- Review, AggregateRating: https://developers.google.com/search/docs/appearance/structured-data/review-snippet
- Article, NewsArticle, BlogPosting: https://developers.google.com/search/docs/appearance/structured-data/article
- BreadcrumbList, ListItem: https://developers.google.com/search/docs/appearance/structured-data/breadcrumb
- FAQPage, Question, Answer: https://developers.google.com/search/docs/appearance/structured-data/faqpage
- HowTo, HowToStep, HowToSection: https://developers.google.com/search/docs/appearance/structured-data/how-to
  (the page as last published; Google retired the rich result in 2023)
- Organization: https://developers.google.com/search/docs/appearance/structured-data/organization
- LocalBusiness: https://developers.google.com/search/docs/appearance/structured-data/local-business
- Event: https://developers.google.com/search/docs/appearance/structured-data/event
- Recipe: https://developers.google.com/search/docs/appearance/structured-data/recipe
- JobPosting: https://developers.google.com/search/docs/appearance/structured-data/job-posting
- VideoObject: https://developers.google.com/search/docs/appearance/structured-data/video

Required lists are Google's. Recommended lists leave out what a page cannot honestly add on its
own — ratings and reviews it has not received, a video it does not have — and, for Organization
(where Google recommends some twenty identifiers, all optional), keep the three behind its logo
and knowledge panel. Types not in the table are not judged, and neither is anything about values
(dates, currencies, URLs): only whether a property is there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from seolog.domain import StructuredItem

Need = tuple[str, ...]  # alternatives: any one present satisfies it; "a.b" is b of the item in a
Level = Literal["required", "recommended"]

_DOCS = "https://developers.google.com/search/docs/appearance/structured-data/"


@dataclass(frozen=True)
class Rule:
    """What Google asks of one schema.org type for its rich result."""

    result: str  # the rich result, as Google names its page: "Product snippet"
    url: str
    required: tuple[Need, ...] = ()
    recommended: tuple[Need, ...] = ()
    alone: tuple[Need, ...] = ()  # required too when the item stands alone, not nested
    not_last: tuple[Need, ...] = ()  # required, except on the last item of its list
    # Judged only as the value of one of these "Type.property" (empty: wherever it is). A
    # ListItem is a breadcrumb only in a BreadcrumbList; in an ItemList it follows other rules.
    within: frozenset[str] = field(default_factory=frozenset)
    # False: judged only where it is the page's own item, standing alone or as a `mainEntity`;
    # not as someone's seller, organizer, publisher or employer.
    nested: bool = True
    note: str | None = None  # said with every finding: what the rich result is worth today


def _needs(*names: str) -> tuple[Need, ...]:
    """Needs of one property each: `_needs("name", "image")`."""
    return tuple((n,) for n in names)


_REVIEW_RATING = (("reviewRating",), ("reviewRating.ratingValue",))
RULES: dict[str, Rule] = {
    "Product": Rule(
        "Product snippet",
        _DOCS + "product-snippet",
        required=(("name",), ("offers", "review", "aggregateRating")),
        recommended=(
            *_needs("offers", "image", "description", "brand"),
            ("sku", "gtin", "gtin8", "gtin12", "gtin13", "gtin14", "mpn"),
        ),
    ),
    "Offer": Rule(
        "Product snippet",
        _DOCS + "product-snippet",
        required=(("price", "priceSpecification.price"),),
        recommended=(("priceCurrency", "priceSpecification.priceCurrency"), ("availability",)),
        within=frozenset({"Product.offers"}),
    ),
    "AggregateOffer": Rule(
        "Product snippet",
        _DOCS + "product-snippet",
        required=_needs("lowPrice", "priceCurrency"),
        recommended=_needs("highPrice", "offerCount"),
        within=frozenset({"Product.offers"}),
    ),
    "Review": Rule(
        "Review snippet",
        _DOCS + "review-snippet",
        required=(("author",), *_REVIEW_RATING),
        alone=_needs("itemReviewed", "itemReviewed.name"),
        recommended=_needs("datePublished", "reviewRating.bestRating", "reviewRating.worstRating"),
    ),
    "AggregateRating": Rule(
        "Review snippet",
        _DOCS + "review-snippet",
        required=(("ratingValue",), ("ratingCount", "reviewCount")),
        alone=_needs("itemReviewed", "itemReviewed.name"),
        recommended=_needs("bestRating", "worstRating"),
    ),
    "Article": Rule(
        "Article",
        _DOCS + "article",
        # "There are no required properties"; what Google recommends is what it shows.
        recommended=_needs("headline", "image", "datePublished", "dateModified", "author"),
    ),
    "BreadcrumbList": Rule(
        "Breadcrumb",
        _DOCS + "breadcrumb",
        required=_needs("itemListElement"),
    ),
    "ListItem": Rule(
        "Breadcrumb",
        _DOCS + "breadcrumb",
        # The name may sit on the linked page instead (RDFa writes it so).
        required=(("position",), ("name", "item.name")),
        not_last=_needs("item"),  # the last crumb, the page itself, needs no link
        within=frozenset({"BreadcrumbList.itemListElement"}),
    ),
    "FAQPage": Rule(
        "FAQ",
        _DOCS + "faqpage",
        required=_needs("mainEntity"),
        note="Google shows FAQ rich results only for well-known government and health "
        "websites (since August 2023).",
    ),
    "Question": Rule(
        "FAQ",
        _DOCS + "faqpage",
        required=_needs("name", "acceptedAnswer", "acceptedAnswer.text"),
        within=frozenset({"FAQPage.mainEntity"}),
        note="Google shows FAQ rich results only for well-known government and health "
        "websites (since August 2023).",
    ),
    "HowTo": Rule(
        "How-to",
        _DOCS + "how-to",
        required=_needs("name", "step"),
        recommended=_needs("image", "totalTime", "estimatedCost", "supply", "tool"),
        note="Google no longer shows how-to rich results (since September 2023).",
    ),
    "HowToStep": Rule(
        "How-to",
        _DOCS + "how-to",
        required=(("text", "itemListElement"),),
        within=frozenset({"HowTo.step", "HowToSection.itemListElement"}),
        note="Google no longer shows how-to rich results (since September 2023).",
    ),
    "HowToSection": Rule(
        "How-to",
        _DOCS + "how-to",
        required=_needs("name", "itemListElement"),
        within=frozenset({"HowTo.step"}),
        note="Google no longer shows how-to rich results (since September 2023).",
    ),
    "Organization": Rule(
        "Organization",
        _DOCS + "organization",
        recommended=_needs("name", "url", "logo"),
        nested=False,  # the site's own organization, not every publisher, seller or employer
    ),
    "LocalBusiness": Rule(
        "Local business",
        _DOCS + "local-business",
        required=_needs("name", "address"),
        recommended=(
            *_needs("url", "telephone", "geo"),
            ("openingHoursSpecification", "openingHours"),
            ("priceRange",),
        ),
        # The business the page is about; a Store as an Offer's seller, a Restaurant as an
        # Event's organizer or a JobPosting's hiringOrganization owes no address there.
        nested=False,
    ),
    "Event": Rule(
        "Event",
        _DOCS + "event",
        required=_needs("name", "startDate", "location"),
        recommended=_needs(
            "description",
            "endDate",
            "eventAttendanceMode",
            "eventStatus",
            "image",
            "offers",
            "organizer",
            "performer",
        ),
    ),
    "Recipe": Rule(
        "Recipe",
        _DOCS + "recipe",
        required=_needs("name", "image"),
        recommended=(
            *_needs(
                "author",
                "datePublished",
                "description",
                "keywords",
                "recipeCategory",
                "recipeCuisine",
                "recipeIngredient",
                "recipeInstructions",
                "recipeYield",
            ),
            ("totalTime", "cookTime"),
        ),
    ),
    "JobPosting": Rule(
        "Job posting",
        _DOCS + "job-posting",
        required=(
            *_needs("title", "description", "datePosted", "hiringOrganization"),
            ("jobLocation", "applicantLocationRequirements"),  # the latter for remote jobs
        ),
        recommended=_needs(
            "baseSalary", "employmentType", "validThrough", "identifier", "directApply"
        ),
    ),
    "VideoObject": Rule(
        "Video",
        _DOCS + "video",
        required=_needs("name", "thumbnailUrl", "uploadDate"),
        recommended=(("description",), ("duration",), ("contentUrl", "embedUrl")),
    ),
}

# Subtypes judged as the type they refine (schema.org's hierarchy; the common ones).
_ORGANIZATIONS = ("Corporation", "NGO", "OnlineBusiness", "OnlineStore", "NewsMediaOrganization")
_LOCAL_BUSINESSES = (
    "AutomotiveBusiness", "AutoRepair", "AutoDealer", "Bakery", "BarOrPub", "BeautySalon",
    "CafeOrCoffeeShop", "ChildCare", "Dentist", "DryCleaningOrLaundry", "Electrician",
    "EntertainmentBusiness", "ExerciseGym", "FastFoodRestaurant", "FinancialService", "Florist",
    "FoodEstablishment", "HairSalon", "HealthAndBeautyBusiness", "HomeAndConstructionBusiness",
    "Hotel", "LegalService", "LodgingBusiness", "MedicalBusiness", "Optician", "Pharmacy",
    "Plumber", "ProfessionalService", "RealEstateAgent", "Restaurant", "SportsActivityLocation",
    "Store", "TravelAgency",
)  # fmt: skip
_EVENTS = (
    "BusinessEvent", "ChildrensEvent", "ComedyEvent", "DanceEvent", "EducationEvent",
    "ExhibitionEvent", "Festival", "FoodEvent", "LiteraryEvent", "MusicEvent", "SaleEvent",
    "ScreeningEvent", "SocialEvent", "SportsEvent", "TheaterEvent", "VisualArtsEvent",
)  # fmt: skip
ALIASES: dict[str, str] = {
    "NewsArticle": "Article",
    "BlogPosting": "Article",
    **dict.fromkeys(_ORGANIZATIONS, "Organization"),
    **dict.fromkeys(_LOCAL_BUSINESSES, "LocalBusiness"),
    **dict.fromkeys(_EVENTS, "Event"),
}


def rule_name(type_: str) -> str:
    """The table entry a type is judged by (itself, or the type it refines)."""
    return ALIASES.get(type_, type_)


@dataclass(frozen=True, slots=True)
class Miss:
    """The properties one item lacks, at one level."""

    type: str  # as the markup writes it ("BlogPosting")
    needs: tuple[Need, ...]
    item: StructuredItem
    parent: StructuredItem | None  # the item it is nested in (None: top-level)
    parent_type: str | None
    via: str | None  # the parent's property that holds it
    rule: Rule


def has(item: StructuredItem, path: str) -> bool:
    """Does the item have a value (a nested item or non-blank text) at `path` ("a.b")?"""
    head, _, rest = path.partition(".")
    for value in item.props.get(head, ()):
        if isinstance(value, StructuredItem):
            if not rest or has(value, rest):
                return True
        elif not rest and value.strip():
            return True
    return False


def label(need: Need) -> str:
    """`("offers", "review", "aggregateRating")` → "offers, review or aggregateRating"."""
    return need[0] if len(need) == 1 else f"{', '.join(need[:-1])} or {need[-1]}"


# An item named only to say what another is about (a Review's itemReviewed) is not judged by
# its own type's rules: the Review's own rules ask for what Google needs of it (its name).
_NOT_JUDGED_VIA = frozenset({"itemReviewed"})
# Where a nested item is still the page's own (a WebPage's or AboutPage's main entity): a rule
# that is not `nested` judges it there too.
_THE_PAGES_OWN_VIA = frozenset({"mainEntity"})


def _position(item: StructuredItem) -> float | None:
    for raw in item.props.get("position", ()):
        try:
            return float(raw) if isinstance(raw, str) else None
        except ValueError:
            return None
    return None


def _last_of(values: list[StructuredItem]) -> StructuredItem | None:
    """The last of a list's items: the highest `position` when all have one, else the last
    written."""
    positions = [_position(item) for item in values]
    if values and all(p is not None for p in positions):
        return values[max(range(len(values)), key=lambda i: positions[i] or 0.0)]
    return values[-1] if values else None


def _judged(needs: tuple[Need, ...], item: StructuredItem) -> Iterator[Need]:
    for need in needs:
        if any(has(item, path) for path in need):
            continue
        # "reviewRating.ratingValue" when there is no reviewRating at all: the head's own need
        # says it, once.
        if len(need) == 1 and "." in need[0] and need[0].split(".")[0] not in item.props:
            continue
        yield need


def missing(items: list[StructuredItem], level: Level) -> list[Miss]:
    """What the page's items lack at `level`, item by item in document order; every nested
    item is judged too, each once (a @graph node referred to twice is one item)."""
    found: list[Miss] = []
    seen: set[int] = set()
    # (item, parent, parent's judged type, property, is it its list's last item)
    stack: list[tuple[StructuredItem, StructuredItem | None, str | None, str | None, bool]] = [
        (item, None, None, None, True) for item in reversed(items)
    ]
    while stack:
        item, parent, parent_type, via, last = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        needs: list[Need] = []
        judged_as: tuple[str, Rule] | None = None
        for type_ in item.types:
            rule = RULES.get(rule_name(type_))
            if rule is None or via in _NOT_JUDGED_VIA:
                continue
            if parent is not None and not rule.nested and via not in _THE_PAGES_OWN_VIA:
                continue
            if rule.within and (parent_type is None or f"{parent_type}.{via}" not in rule.within):
                continue
            wanted = rule.recommended
            if level == "required":
                wanted = rule.required + (rule.alone if parent is None else ())
                wanted += () if last else rule.not_last
            needs += [n for n in _judged(wanted, item) if n not in needs]
            judged_as = judged_as or (type_, rule)
        if needs and judged_as is not None:
            type_, rule = judged_as
            found.append(Miss(type_, tuple(needs), item, parent, parent_type, via, rule))
        children: list[tuple[StructuredItem, StructuredItem | None, str | None, str | None, bool]]
        children = []
        own_type = next((rule_name(t) for t in item.types if rule_name(t) in RULES), None)
        own_type = own_type or (item.types[0] if item.types else None)
        for name, values in item.props.items():
            nested = [v for v in values if isinstance(v, StructuredItem)]
            final = _last_of(nested)
            children += [(v, item, own_type, name, v is final) for v in nested]
        stack += reversed(children)
    return found


def judges_any(items: list[StructuredItem]) -> bool:
    """Is any item (or item nested in one) of a type the table judges?"""
    seen: set[int] = set()
    stack = list(items)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if any(rule_name(t) in RULES for t in item.types):
            return True
        stack += [v for vs in item.props.values() for v in vs if isinstance(v, StructuredItem)]
    return False
