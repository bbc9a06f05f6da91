"""Toggl Track, Clockify and Harvest exports read as a person reads them: the samples in
samples/ are shaped like each product's real "detailed" CSV (Toggl's BOM, Clockify's quoted
cells and user-chosen date and clock formats, Harvest's CRLF and decimal hours), and every
value asserted here is the one a consultant would read off the file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from seolog.worklog.sources import SourceError, SourceRow, detect, read

pytestmark = pytest.mark.store_agnostic  # the PostgreSQL run skips it

SAMPLES = Path(__file__).parent / "samples"
D = Decimal
dt = datetime.fromisoformat

TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount (EUR)"
)
CLOCKIFY_HEADER = (
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable",'
    '"Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)",'
    '"Billable Rate (EUR)","Billable Amount (EUR)"'
)
HARVEST_HEADER = (
    "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,"
    "Approved?,First Name,Last Name,Employee Id,Roles,Employee?,Billable Rate,Billable Amount,"
    "Cost Rate,Cost Amount,Currency,External Reference URL"
)


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def view(row: SourceRow) -> tuple[object, ...]:
    """Everything but the key, in reading order."""
    return (
        row.line, row.day, row.start, row.end, row.minutes, row.description, row.client,
        row.project, row.task, row.author, row.billable, row.rate, row.currency, row.amount,
        row.tags,
    )  # fmt: skip


def toggl_row(**cells: str) -> str:
    """One Toggl detailed-report line, the given cells replacing a plain billable hour."""
    values = {
        "User": "Priya Shah", "Email": "priya@seoagency.example", "Client": "Acme Ltd",
        "Project": "Technical SEO audit", "Task": "", "Description": "Crawl",
        "Billable": "Yes", "Start date": "2026-11-02", "Start time": "09:00:00",
        "End date": "2026-11-02", "End time": "10:00:00", "Duration": "01:00:00", "Tags": "",
        "Amount (EUR)": "90.00",
    } | cells  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values[name] for name in TOGGL_HEADER.split(","))
    return out.getvalue()


def toggl(*rows: str) -> str:
    return "\n".join([TOGGL_HEADER, *rows]) + "\n"


# --- the samples ---------------------------------------------------------------------------------


def test_toggl_sample():
    source, rows = read(sample("toggl_detailed.csv"))
    assert source == "toggl"
    acme, eddb, priya, jonas = "Acme Ltd", "Elephant Data BV", "Priya Shah", "Jonas Weber"
    assert [view(r) for r in rows] == [
        (2, date(2026, 11, 2), dt("2026-11-02 09:00"), dt("2026-11-02 10:30"), 90,
         "Crawl of www.acme.example and triage", acme, "Technical SEO audit", "Crawl analysis",
         priya, True, D("90.00"), "EUR", D("135.00"), ("audit", "technical")),
        (3, date(2026, 11, 2), dt("2026-11-02 11:00"), dt("2026-11-02 12:45"), 105,
         'Fix list: canonicals, hreflang and the "noindex" pages', acme, "Technical SEO audit",
         "Crawl analysis", priya, True, D("90.00"), "EUR", D("157.50"), ("audit",)),
        # 293.33 for 2 h 40 min: Toggl rounded the amount, the rate is still 110 to the cent.
        (4, date(2026, 11, 3), dt("2026-11-03 13:15"), dt("2026-11-03 15:55"), 160,
         "Keyword clusters for the data-warehouse pages", eddb, "Content strategy",
         "Keyword research", jonas, True, D("110.00"), "EUR", D("293.33"), ("content",)),
        (5, date(2026, 11, 4), dt("2026-11-04 10:00"), dt("2026-11-04 10:25"), 25,
         "Weekly call with the marketing team", eddb, "Content strategy", None, jonas, False,
         None, "EUR", None, ()),
        # Across midnight: the day is the start's, the end is the next morning.
        (6, date(2026, 11, 5), dt("2026-11-05 23:30"), dt("2026-11-06 01:10"), 100,
         "Migration night: redirect checks after launch", acme, "Site migration",
         "Redirect map", priya, True, D("90.00"), "EUR", D("150.00"), ("migration", "redirects")),
        # No description: the task names the work. 44 min 28 s is 44 minutes.
        (7, date(2026, 11, 6), dt("2026-11-06 09:05:12"), dt("2026-11-06 09:49:40"), 44,
         "Briefs", eddb, "Content strategy", "Briefs", jonas, True, D("110.00"), "EUR",
         D("81.52"), ()),
        (8, date(2026, 11, 9), dt("2026-11-09 14:00"), dt("2026-11-09 16:00"), 120,
         "Agency training: Core Web Vitals", None, "Internal", None, priya, False, None, "EUR",
         None, ("training",)),
    ]  # fmt: skip


def test_clockify_sample_with_day_first_dates():
    source, rows = read(sample("clockify_detailed.csv"))
    assert source == "clockify"
    acme, eddb, priya, jonas = "Acme Ltd", "Elephant Data BV", "Priya Shah", "Jonas Weber"
    assert [view(r) for r in rows] == [
        (2, date(2026, 11, 16), dt("2026-11-16 09:00"), dt("2026-11-16 10:30"), 90,
         "Log file analysis for Googlebot", acme, "Technical SEO audit", "Log analysis", priya,
         True, D("90.00"), "EUR", D("135.00"), ("audit", "logs")),
        (3, date(2026, 11, 17), dt("2026-11-17 13:00"), dt("2026-11-17 15:15"), 135,
         'Rewrite of the "pricing" page, part 2', eddb, "Content strategy", "Copywriting", jonas,
         True, D("110.00"), "EUR", D("247.50"), ("content",)),
        # Clockify writes 0.00 as the rate of a non-billable entry: no rate, not a free hour.
        (4, date(2026, 11, 17), dt("2026-11-17 15:30"), dt("2026-11-17 16:00"), 30,
         "Editorial planning with the client", eddb, "Content strategy", None, jonas, False,
         None, "EUR", D("0.00"), ()),
        (5, date(2026, 11, 18), dt("2026-11-18 22:45"), dt("2026-11-19 00:30"), 105,
         "Launch night: monitoring 301s and 404s", acme, "Site migration", "Redirect map", priya,
         True, D("90.00"), "EUR", D("157.50"), ("migration",)),
        (6, date(2026, 11, 19), dt("2026-11-19 10:00"), dt("2026-11-19 10:50"), 50,
         "Schema markup", acme, "Technical SEO audit", "Schema markup", priya, True, D("90.00"),
         "EUR", D("75.00"), ()),
        (7, date(2026, 11, 20), dt("2026-11-20 16:00"), dt("2026-11-20 16:45"), 45,
         "Team retro", None, "Internal", None, jonas, False, None, "EUR", D("0.00"), ()),
    ]  # fmt: skip


def test_clockify_sample_with_month_first_dates_and_a_12_hour_clock():
    source, rows = read(sample("clockify_detailed_12h.csv"))
    assert source == "clockify"
    acme, eddb, priya, jonas = "Acme Ltd", "Elephant Data BV", "Priya Shah", "Jonas Weber"
    assert [view(r) for r in rows] == [
        (2, date(2026, 11, 23), dt("2026-11-23 09:00"), dt("2026-11-23 10:15"), 75,
         "Google Business Profile clean-up", acme, "Local SEO", "GBP", priya, True,
         D("100.00"), "USD", D("125.00"), ("local",)),
        # 12:30:00 PM is half past noon; 02:00:00 PM is 14:00.
        (3, date(2026, 11, 23), dt("2026-11-23 12:30"), dt("2026-11-23 14:00"), 90,
         'Citation audit, NAP "consistency" check', acme, "Local SEO", "Citations", priya, True,
         D("100.00"), "USD", D("150.00"), ("local", "audit")),
        # 11:40:00 PM to 12:20:00 AM the next day: twenty past midnight, not noon.
        (4, date(2026, 11, 24), dt("2026-11-24 23:40"), dt("2026-11-25 00:20"), 40,
         "Outreach follow-ups", eddb, "Link building", "Outreach", jonas, True, D("120.00"),
         "USD", D("80.00"), ()),
        (5, date(2026, 11, 25), dt("2026-11-25 08:05"), dt("2026-11-25 08:35"), 30,
         "Internal review of prospects", eddb, "Link building", None, jonas, False, None, "USD",
         D("0.00"), ()),
        (6, date(2026, 11, 26), dt("2026-11-26 15:00"), dt("2026-11-26 15:45"), 45,
         "Review responses template", acme, "Local SEO", "GBP", priya, True, D("100.00"), "USD",
         D("75.00"), ("local",)),
        (7, date(2026, 11, 27), dt("2026-11-27 10:00"), dt("2026-11-27 12:00"), 120,
         "Digital PR pitch", eddb, "Link building", "Outreach", jonas, True, D("120.00"), "USD",
         D("240.00"), ("pr",)),
    ]  # fmt: skip


def test_harvest_sample():
    source, rows = read(sample("harvest_detailed.csv"))
    assert source == "harvest"
    acme, eddb, priya, jonas = "Acme Ltd", "Elephant Data BV", "Priya Shah", "Jonas Weber"
    assert [view(r) for r in rows] == [
        (2, date(2026, 11, 2), None, None, 90, "Crawl of www.acme.example and triage", acme,
         "Technical SEO audit", "Crawl analysis", priya, True, D("90"), "EUR", D("135"), ()),
        (3, date(2026, 11, 2), None, None, 105,
         'Fix list: canonicals, hreflang and the "noindex" pages', acme, "Technical SEO audit",
         "Crawl analysis", priya, True, D("90"), "EUR", D("157.5"), ()),
        # Hours 2.67 is the work (160 min); Hours Rounded 2.75 is what Harvest billed.
        (4, date(2026, 11, 3), None, None, 160, "Keyword clusters for the data-warehouse pages",
         eddb, "Content strategy", "Keyword research", jonas, True, D("110"), "EUR",
         D("302.5"), ()),
        (5, date(2026, 11, 4), None, None, 25, "Weekly call with the marketing team", eddb,
         "Content strategy", "Meetings", jonas, False, None, "EUR", D("0"), ()),
        # No notes: the task says what it was.
        (6, date(2026, 11, 5), None, None, 60, "Redirect map", acme, "Site migration",
         "Redirect map", priya, True, D("90"), "EUR", D("90"), ()),
        # Currency is per row in Harvest: this client pays in dollars.
        (7, date(2026, 11, 6), None, None, 135, "LCP fixes on the product templates",
         "Northwind Analytics Inc", "Site speed", "Core Web Vitals", priya, True, D("120"),
         "USD", D("270"), ()),
        (8, date(2026, 11, 9), None, None, 120, "Agency training: Core Web Vitals",
         "SEO Agency Ltd", "Internal", "Training", priya, False, None, "EUR", D("0"), ()),
    ]  # fmt: skip


def test_the_samples_are_shaped_like_the_real_exports():
    """The byte-level habits the reader must cope with are really in the samples."""
    raw = {p.name: p.read_bytes() for p in SAMPLES.glob("*.csv")}
    assert raw["toggl_detailed.csv"].startswith(b"\xef\xbb\xbfUser,Email,")
    assert b"\r\n" in raw["harvest_detailed.csv"]
    assert raw["clockify_detailed.csv"].startswith(b'"Project","Client","Description"')


# --- detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("toggl_detailed.csv", "toggl"),
        ("clockify_detailed.csv", "clockify"),
        ("clockify_detailed_12h.csv", "clockify"),
        ("harvest_detailed.csv", "harvest"),
    ],
)
def test_each_sample_header_is_detected(name, source):
    header = next(csv.reader(sample(name).splitlines()))
    assert detect(header) == source


def test_detection_ignores_case_spacing_and_the_bom():
    assert detect(["\ufeffUSER", " email ", "start   DATE", "Duration", "description"]) == "toggl"
    assert detect(["start date", "DURATION (H)", "Description"]) == "clockify"
    assert detect(["DATE", "hours", " Project "]) == "harvest"


def test_newer_toggl_columns_are_accepted_in_any_order():
    """Toggl's newer reports let people pick and reorder columns; a real one says Stop date/time,
    writes H:MM:SS without a leading zero and quotes the first header cell after the BOM. Member
    (for User) is read as the author too."""
    text = (
        '\ufeff"Description",Duration,Member,Project,Start date,Start time,Stop date,Stop time\n'
        '"Crawl triage",1:30:00,Priya Shah,Technical SEO audit,2026-11-02,10:30:00,2026-11-02,'
        "12:00:00\n"
    )
    source, [row] = read(text)
    assert source == "toggl"
    assert (row.author, row.minutes, row.start, row.end) == (
        "Priya Shah", 90, dt("2026-11-02 10:30"), dt("2026-11-02 12:00"),
    )  # fmt: skip
    assert (row.client, row.billable, row.amount, row.rate, row.currency) == (
        None, None, None, None, None,
    )  # fmt: skip


def test_seologs_own_csv_is_none_of_them():
    own = (
        "date,start,end,duration,client,project,site,type,description,billable,rate,tags,urls,fixes"
    )
    assert detect(own.split(",")) is None
    with pytest.raises(SourceError, match="not a Toggl, Clockify or Harvest export"):
        read(own + "\n2026-11-02,09:00,10:00,1h,Acme Ltd,,,,Audit,yes,90,,,\n")


@pytest.mark.parametrize(
    ("name", "source", "missing"),
    [
        ("toggl_detailed.csv", "harvest", "no Date, Hours columns"),
        ("toggl_detailed.csv", "clockify", "no Duration (h) or Duration (decimal) column"),
        ("clockify_detailed.csv", "toggl", "no Duration column"),
        ("harvest_detailed.csv", "toggl", "no Start date, Duration, Description columns"),
        ("harvest_detailed.csv", "clockify", "no Start Date, Duration (h) or Duration (decimal), "
                                             "Description columns"),
    ],
)  # fmt: skip
def test_a_header_for_another_product_names_the_missing_columns(name, source, missing):
    with pytest.raises(SourceError) as e:
        read(sample(name), source=source)
    assert str(e.value).endswith(missing)
    assert str(e.value).startswith("not a ")


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.csv")), ids=lambda p: p.name)
def test_reading_a_file_again_gives_the_same_keys(path):
    source, first = read(path.read_text(encoding="utf-8"))
    _, again = read(path.read_text(encoding="utf-8"))
    keys = [r.key for r in first]
    assert keys == [r.key for r in again]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(rf"{source}:[0-9a-f]{{32}}", k) for k in keys)


def test_editing_one_field_changes_that_rows_key_only():
    text = sample("toggl_detailed.csv")
    _, before = read(text)
    edited = text.replace("Keyword clusters for the", "Keyword clusters (v2) for the")
    _, after = read(edited)
    changed = [b.line for b, a in zip(before, after, strict=True) if b.key != a.key]
    assert changed == [4]


def test_what_is_billed_is_not_part_of_the_key():
    """A rate corrected in the tracker is still the same work: re-importing finds it."""
    text = sample("harvest_detailed.csv")
    _, before = read(text)
    _, after = read(text.replace(",110.0,302.5,", ",120.0,330.0,"))
    assert [r.key for r in before] == [r.key for r in after]
    assert after[2].rate == D("120")


def test_identical_rows_both_import_with_numbered_keys():
    line = toggl_row(Description="Daily stand-up", Duration="00:15:00")
    _, rows = read(toggl(line, line, toggl_row(), line))
    base = rows[0].key
    assert [r.key for r in rows] == [base, base + "#2", rows[2].key, base + "#3"]
    assert rows[2].key != base


def test_an_entry_id_column_is_the_key():
    text = "Id," + TOGGL_HEADER + "\n4011," + toggl_row() + "\n4012," + toggl_row() + "\n"
    _, rows = read(text)
    assert [r.key for r in rows] == ["toggl:4011", "toggl:4012"]


def test_a_repeated_entry_id_is_refused():
    text = "Id," + TOGGL_HEADER + "\n4011," + toggl_row() + "\n4011," + toggl_row() + "\n"
    with pytest.raises(SourceError, match=r"^line 3: the entry id '4011' is also on line 2$"):
        read(text)


# --- dates ---------------------------------------------------------------------------------------

AMBIGUOUS_CLOCKIFY = "\n".join(
    [
        CLOCKIFY_HEADER,
        '"Local SEO","Acme Ltd","GBP clean-up","","Priya Shah","","p@x.example","","Yes",'
        '"03/04/2026","09:00:00","03/04/2026","10:00:00","01:00:00","1.00","90.00","90.00"',
        '"Local SEO","Acme Ltd","Citations","","Priya Shah","","p@x.example","","Yes",'
        '"05/04/2026","09:00:00","05/04/2026","09:30:00","00:30:00","0.50","90.00","45.00"',
    ]
)


def test_a_clockify_file_whose_dates_could_be_either_order_asks_for_one():
    with pytest.raises(SourceError) as e:
        read(AMBIGUOUS_CLOCKIFY)
    message = str(e.value)
    assert "line 2: '03/04/2026'" in message
    assert message.endswith("pass --date-order dmy or --date-order mdy")


def test_the_date_order_flag_reads_the_ambiguous_file():
    _, dmy = read(AMBIGUOUS_CLOCKIFY, date_order="dmy")
    _, mdy = read(AMBIGUOUS_CLOCKIFY, date_order="mdy")
    assert [r.day for r in dmy] == [date(2026, 4, 3), date(2026, 4, 5)]
    assert [r.day for r in mdy] == [date(2026, 3, 4), date(2026, 5, 4)]
    assert dmy[0].start == dt("2026-04-03 09:00")
    assert dmy[0].key != mdy[0].key


def test_one_unambiguous_date_decides_the_whole_file():
    text = AMBIGUOUS_CLOCKIFY.replace('"05/04/2026"', '"05/13/2026"', 2)
    _, rows = read(text)
    assert [r.day for r in rows] == [date(2026, 3, 4), date(2026, 5, 13)]


def test_a_file_mixing_day_first_and_month_first_is_refused():
    text = AMBIGUOUS_CLOCKIFY.replace('"03/04/2026"', '"25/04/2026"', 2).replace(
        '"05/04/2026"', '"05/13/2026"', 2
    )
    with pytest.raises(SourceError) as e:
        read(text)
    assert "day-first (line 2: '25/04/2026') and month-first (line 3: '05/13/2026')" in str(e.value)


def test_dotted_dates_are_day_first():
    """Clockify's DD.MM.YYYY setting: nobody writes month-first with dots."""
    text = AMBIGUOUS_CLOCKIFY.replace("/", ".")
    _, rows = read(text)
    assert [r.day for r in rows] == [date(2026, 4, 3), date(2026, 4, 5)]


def test_a_date_that_is_not_one_names_its_line():
    with pytest.raises(SourceError, match=r"^line 2: cannot read the date '2026-02-30'$"):
        read(toggl(toggl_row(**{"Start date": "2026-02-30"})))


# --- durations and times -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [("01:30:00", 90), ("1:30:00", 90), ("1:30", 90), ("0:13", 13), ("1.5", 90), ("1,5", 90),
     ("2.67", 160), ("25:00:00", 1500), ("00:00:20", 1), ("00:00:31", 1), ("00:01:30", 2)],
)  # fmt: skip
def test_durations_as_the_products_write_them(duration, minutes):
    _, [row] = read(toggl(toggl_row(Duration=duration)))
    assert row.minutes == minutes


def test_harvest_decimal_comma_hours_in_a_semicolon_file():
    """A Harvest export re-saved by a spreadsheet in a comma-decimal locale."""
    text = (
        "Date;Client;Project;Task;Notes;Hours;Billable?;First Name;Last Name\r\n"
        "2026-11-02;Acme Ltd;Technical SEO audit;Crawl analysis;Triage;1,5;Yes;Priya;Shah\r\n"
    )
    _, [row] = read(text)
    assert (row.minutes, row.client, row.author, row.rate) == (90, "Acme Ltd", "Priya Shah", None)


def test_clockify_falls_back_to_the_decimal_duration():
    text = AMBIGUOUS_CLOCKIFY.replace('"01:00:00","1.00"', '"","1.25"')
    _, rows = read(text, date_order="dmy")
    assert [r.minutes for r in rows] == [75, 30]


@pytest.mark.parametrize(
    ("duration", "problem"),
    [("1:3x:00", "cannot read the duration '1:3x:00'"),
     ("00:00:00", "the duration '00:00:00' is not more than zero"),
     ("0", "the duration '0' is not more than zero"),
     ("-1:00:00", "the duration '-1:00:00' is not more than zero"),
     ("", "no duration")],
)  # fmt: skip
def test_a_bad_duration_names_its_line(duration, problem):
    text = toggl(toggl_row(), toggl_row(), toggl_row(Duration=duration))
    with pytest.raises(SourceError) as e:
        read(text)
    assert str(e.value) == f"line 4: {problem}"


def test_a_bad_duration_in_a_sample_names_the_line_a_person_sees():
    text = sample("toggl_detailed.csv").replace(",00:44:28,", ",1:3x:00,")
    with pytest.raises(SourceError, match=r"^line 7: cannot read the duration '1:3x:00'$"):
        read(text)


@pytest.mark.parametrize(
    ("clock", "start"),
    [("9:15:00 AM", "09:15"), ("09:15 PM", "21:15"), ("12:00:00 AM", "00:00"),
     ("12:30 PM", "12:30"), ("21:15", "21:15"), ("07:05:09", "07:05:09"), ("9:15 am", "09:15")],
)  # fmt: skip
def test_clock_times_in_24_and_12_hour_forms(clock, start):
    _, [row] = read(toggl(toggl_row(**{"Start time": clock})))
    assert row.start == dt(f"2026-11-02 {start}")


@pytest.mark.parametrize("clock", ["13:00 PM", "0:30 AM", "24:00:00", "9h15", "09:61"])
def test_a_clock_time_that_is_not_one_is_refused(clock):
    with pytest.raises(SourceError, match=rf"^line 2: cannot read the time '{clock}'$"):
        read(toggl(toggl_row(**{"Start time": clock})))


def test_without_an_end_date_an_earlier_end_time_is_the_next_morning():
    text = (
        "Description,Start date,Start time,End time,Duration\n"
        "Launch night,2026-11-05,23:30:00,01:10:00,01:40:00\n"
    )
    _, [row] = read(text)
    assert (row.day, row.end) == (date(2026, 11, 5), dt("2026-11-06 01:10"))


# --- money ---------------------------------------------------------------------------------------


def test_currency_from_the_header_or_none():
    _, [row] = read(toggl(toggl_row()).replace("Amount (EUR)", "Amount ()"))
    assert (row.currency, row.amount, row.rate) == (None, D("90.00"), D("90.00"))
    # Clockify's workspace currency is free text; "EURO" is plainly the euro.
    _, rows = read(AMBIGUOUS_CLOCKIFY.replace("(EUR)", "(EURO)"), date_order="dmy")
    assert {r.currency for r in rows} == {"EUR"}


def test_toggl_rate_only_for_billable_rows_with_an_amount():
    _, rows = read(
        toggl(
            toggl_row(Billable="No", **{"Amount (EUR)": "45.00"}),
            toggl_row(**{"Amount (EUR)": ""}),
            toggl_row(Duration="00:40:00", **{"Amount (EUR)": "73.33"}),
        )
    )
    assert [r.rate for r in rows] == [None, None, D("110.00")]
    assert [r.amount for r in rows] == [D("45.00"), None, D("73.33")]


def test_a_bad_amount_or_billable_flag_names_its_line():
    text = toggl(toggl_row(**{"Amount (EUR)": "ninety"}), toggl_row(Billable="Maybe"))
    with pytest.raises(SourceError) as e:
        read(text)
    assert str(e.value) == (
        "line 2: cannot read the amount 'ninety'; line 3: cannot read billable 'Maybe' (Yes or No)"
    )


# --- the file as a whole -------------------------------------------------------------------------


def test_every_bad_line_is_reported_at_once_up_to_twenty():
    rows = [toggl_row(Duration=f"x{n}") for n in range(25)]
    with pytest.raises(SourceError) as e:
        read(toggl(*rows))
    message = str(e.value)
    assert message.startswith("line 2: cannot read the duration 'x0'; line 3: ")
    assert message.count("cannot read the duration") == 20
    assert "line 21: cannot read the duration 'x19'" in message
    assert "'x20'" not in message
    assert message.endswith("; and 5 more")


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    """A description over two lines and blank lines between rows: each row is named by the line
    it starts on, as an editor shows it."""
    text = toggl(
        toggl_row(Description="Crawl,\nthen triage"),
        "",
        toggl_row(Duration="bad"),
    )
    with pytest.raises(SourceError, match=r"^line 5: cannot read the duration 'bad'$"):
        read(text)
    _, rows = read(text.replace("bad", "00:30:00"))
    assert [(r.line, r.description) for r in rows] == [(2, "Crawl,\nthen triage"), (5, "Crawl")]


def test_extra_columns_are_ignored():
    header = CLOCKIFY_HEADER + ',"Date of creation","Type"'
    line = AMBIGUOUS_CLOCKIFY.splitlines()[1] + ',"03/04/2026","Regular"'
    _, [row] = read(header + "\n" + line + "\n", date_order="mdy")
    assert (row.day, row.minutes, row.amount) == (date(2026, 3, 4), 60, D("90.00"))


def test_no_description_and_no_task():
    _, [row] = read(toggl(toggl_row(Description="", Task="")))
    assert row.description == "(no description)"


def test_a_header_with_no_rows_reads_as_nothing():
    assert read(TOGGL_HEADER + "\n") == ("toggl", [])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"source": "kimai"}, "unknown source 'kimai'"),
     ({"date_order": "dym"}, "unknown date order 'dym'")],
)  # fmt: skip
def test_unknown_arguments_are_refused(kwargs, message):
    with pytest.raises(SourceError, match=message):
        read(toggl(toggl_row()), **kwargs)


def test_an_empty_file_is_refused():
    with pytest.raises(SourceError, match="the file is empty"):
        read("\ufeff\n\n")
