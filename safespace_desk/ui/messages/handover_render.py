"""A handover as one HTML document: shown on screen, printed and saved as PDF alike.

Times in the snapshot are UTC text; they are shown in the site's zone. Exclusion "time left" is as
it was when the snapshot was taken, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.services.handover import HandoverSnapshot, HandoverView, snapshot_time
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.messages.printing import escape, wrap_html


def _local(value: str | None, zone: ZoneInfo, fmt: str = "%H:%M") -> str:
    if not value:
        return ""
    return snapshot_time(value).astimezone(zone).strftime(fmt)


def _day_time(value: str, zone: ZoneInfo) -> str:
    local = snapshot_time(value).astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _until(value: str, zone: ZoneInfo) -> str:
    """A date-only "relevant until" is kept as the next local midnight: show the day itself."""
    local = snapshot_time(value).astimezone(zone)
    if local.hour == 0 and local.minute == 0:
        day = local - timedelta(days=1)
        return f"End of {day:%a} {day.day} {day:%b}"
    return _day_time(value, zone)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int] | None = None,
           empty: str = "None.", wrap_last_only: bool = True) -> str:
    """A table whose short columns never wrap (Qt would break "22:40" or "Appointment" mid-word);
    only the last, long column wraps."""
    rows = list(rows)
    if not rows:
        return f"<p class='none'>{escape(empty)}</p>"
    last = len(headers) - 1
    head = "".join(f"<th{_width(widths, i)}>{escape(h)}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(
        f"<td valign='top'{' nowrap' if wrap_last_only and i < last else ''}>{cell}</td>"
        for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table class='data' width='100%' cellpadding='4' cellspacing='0' border='0.5'>" \
           f"<tr>{head}</tr>{body}</table>"


def _width(widths: Sequence[int] | None, i: int) -> str:
    return f" width='{widths[i]}%'" if widths and i < len(widths) else ""


def snapshot_html(snapshot: HandoverSnapshot, zone: ZoneInfo) -> str:
    """The automatic part: who is in and beds, exclusions, urgent messages, the shift's log."""
    beds = sum(1 for g in snapshot.in_now if g.bed and not g.bed.startswith("no bed"))
    parts = [
        f"<h2>Who is in ({len(snapshot.in_now)}, {beds} in beds)</h2>",
        _table(("Name", "In since", "Bed", "Notes"),
               ((f"<b>{escape(g.name)}</b>", _day_time(g.since, zone), escape(g.bed or "—"),
                 escape(", ".join(g.flags))) for g in snapshot.in_now), (30, 25, 15, 30), "Nobody is in."),
        f"<h2>Active exclusions ({len(snapshot.exclusions)})</h2>",
        _table(("Name", "Until", "Time left (then)", "Reason"),
               ((f"<b>{escape(e.name)}</b>", _day_time(e.ends_at, zone), escape(e.time_left), escape(e.reason))
                for e in snapshot.exclusions), (20, 18, 16, 46), "No one is excluded."),
        f"<h2>Urgent messages not yet passed on ({len(snapshot.urgent_messages)})</h2>",
        _table(("For", "From", "About", "Relevant until"),
               ((f"<span class='urgent'>{escape(m.for_name)}</span>", escape(m.agency), escape(m.category),
                 _until(m.relevant_until, zone) if m.relevant_until else "No end date")
                for m in snapshot.urgent_messages), (28, 30, 17, 25), "No urgent messages are waiting.",
               wrap_last_only=False),
        f"<h2>Shift log ({len(snapshot.log)})</h2>",
        _table(("Time", "Kind", "Guest", "Entry"),
               ((_local(e.at, zone), escape(e.kind), escape(e.guest or ""),
                 escape(e.text) + (f"<br><i>{escape(e.debrief)}</i>" if e.debrief else ""))
                for e in snapshot.log), (8, 16, 12, 64), "Nothing was logged this shift."),
    ]
    if snapshot.expected:
        parts += [f"<h2>Expected arrivals ({len(snapshot.expected)})</h2>",
                  _table(("When", "Who", "From", "Needs"),
                         ((_day_time(e.expected_at, zone), f"<b>{escape(e.who)}</b>",
                           escape(f"{e.from_whom} ({e.via})"), escape(e.needs or ""))
                          for e in snapshot.expected), (18, 24, 28, 30), "")]
    # A crisis service's or haven's diary: escalations this shift, follow-ups due before the next ends.
    if snapshot.escalations:
        parts += [f"<h2>Escalations this shift ({len(snapshot.escalations)})</h2>",
                  _table(("Time", "Called", "About"),
                         ((_local(e.at, zone), f"<span class='urgent'>{escape(e.contact)}</span>", escape(e.guest or ""))
                          for e in snapshot.escalations), (12, 44, 44), "", wrap_last_only=False)]
    if snapshot.follow_ups:
        parts += [f"<h2>Diary follow-ups due ({len(snapshot.follow_ups)})</h2>",
                  _table(("Due", "Who", "What"),
                         ((_day_time(f.due_at, zone), f"<b>{escape(f.name)}</b>", escape(f.text))
                          for f in snapshot.follow_ups), (22, 22, 56), "")]
    return "".join(parts)


def notes_html(text: str, follow_ups: Sequence[str]) -> str:
    notes = f"<p class='notes'>{escape(text)}</p>" if text.strip() else "<p class='none'>No notes yet.</p>"
    items = "".join(f"<li>{escape(item)}</li>" for item in follow_ups)
    follow = f"<ul>{items}</ul>" if items else "<p class='none'>No follow-ups.</p>"
    return f"<h2>Notes from the outgoing shift</h2>{notes}<h2>Follow-ups for the next shift</h2>{follow}"


def handover_html(view: HandoverView, zone: ZoneInfo, site_name: str, audit_anchor: str | None = None) -> str:
    """The whole handover as written: heading, who wrote and acknowledged it, notes, then the snapshot.

    Printed, it ends with the audit log's head at the time of printing (``audit_anchor``, as
    services.audit.AuditHead.printed): a copy of it on paper, outside the store, that
    ``safespace-desk audit verify --anchor`` checks the log against later."""
    title = f"Handover · {view.shift_name} shift"
    span = f"{full_date_time(view.shift_start, zone)} to {full_date_time(view.shift_end, zone)}"
    written = f"Written by {escape(view.author_name or 'unknown')} on {escape(full_date_time(view.created_at, zone))}."
    if view.acknowledged_at is not None:
        ack = f"Acknowledged by {escape(view.acknowledged_by_name or 'unknown')} on " \
              f"{escape(full_date_time(view.acknowledged_at, zone))}."
    else:
        ack = "<span class='urgent'>Not yet acknowledged by the incoming shift.</span>"
    head = (f"<h1>{escape(title)}</h1><p class='muted'>{escape(site_name)} · {escape(span)}</p>"
            f"<p>{written}<br>{ack}</p>")
    taken = f"<p class='muted'>Snapshot taken {escape(_day_time(view.snapshot.taken_at, zone))}.</p>"
    anchor = "" if audit_anchor is None else (
        f"<p class='muted'>Audit log when printed: entry {escape(audit_anchor)}. A manager can check the log "
        f"against it: safespace-desk audit verify --anchor {escape(audit_anchor.replace(' ', ''))}</p>")
    return wrap_html(title, head + notes_html(view.text, view.follow_ups) + taken
                     + snapshot_html(view.snapshot, zone) + anchor)


def draft_html(snapshot: HandoverSnapshot, zone: ZoneInfo, now: datetime) -> str:
    """The snapshot shown beside the form while the handover is being written."""
    return wrap_html("Handover snapshot",
                     f"<p class='muted'>As of {escape(full_date_time(now, zone))}. It is taken again when you save."
                     f"</p>{snapshot_html(snapshot, zone)}")
