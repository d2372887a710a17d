"""``steward disclosures``: disclose identified records on a legal ground, asked for by
one staff member and approved by another.

    steward disclosures open DATASET --ground court_order --party "Riverton Superior Court" \\
        --legal-reference CV-2026-118 --document order.pdf --record REF --field full_name --as USER
    steward disclosures list --as USER
    steward disclosures decide ID approve --reason TEXT [--field F] [--record REF] --as OTHER
    steward disclosures decide ID refuse --reason TEXT --as OTHER
    steward disclosures decide ID withdraw --as USER
    steward disclosures deliver ID [--drop REF] [--confirm REF=REASON] --as OTHER

Every step is taken by a named person: ``--as`` names their staff account, whose password
is asked for (never an argument), with ``--code`` for roles that need a second factor.
The rule and the register live in the vault (:mod:`steward.vault.services.disclosures`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.staff_sign_in import As, Code, signed_in
from steward.errors import StewardError

if TYPE_CHECKING:
    from steward.vault.services import DisclosureView

app = typer.Typer(
    help="Disclosures of identified records on a legal ground, with a second approver.",
    no_args_is_help=True,
)
stdout = plain_console()

Fields = Annotated[list[str], typer.Option("--field", help="A field to disclose (repeat).")]
Records = Annotated[list[str], typer.Option("--record", help="A case reference (repeat).")]
Id = Annotated[str, typer.Argument(help="The disclosure request's id (disclosures list).")]


def _show(view: DisclosureView) -> str:
    to = view.recipient or view.party
    return (
        f"disclosure {view.id} ({view.ground}, to {to}, {len(view.records)} record(s)) "
        f"is {view.state}"
    )


class _BadInput(StewardError):
    """A document that cannot be read, or an option written wrong."""


def _read(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        raise _BadInput(f"cannot read the document {path}: {error.strerror}") from None


def _utc(moment: datetime | None) -> datetime | None:
    """A date given without a zone is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@app.command("open")
def open_request(
    dataset: Annotated[str, typer.Argument(help="The dataset, e.g. service_request.")],
    ground: Annotated[str, typer.Option("--ground", help="One of the plan's allowed grounds.")],
    username: As,
    records: Records,
    fields: Fields,
    recipient: Annotated[str, typer.Option(help="A plan recipient's id.")] = "",
    party: Annotated[str, typer.Option(help="The outside party, in words.")] = "",
    party_kind: Annotated[str, typer.Option(help="court, law_enforcement, ...")] = "",
    legal_reference: Annotated[str, typer.Option(help="The order's case number.")] = "",
    document: Annotated[
        Path | None, typer.Option(help="The order or consent form (stored encrypted).")
    ] = None,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Open a disclosure request; another person of an approving role decides it."""
    with user_errors():
        content = _read(document)
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import open_disclosure

        made = open_disclosure(
            vault,
            actor,
            dataset=dataset,
            ground=ground,
            records=records,
            fields=fields,
            recipient=recipient,
            party=party,
            party_kind=party_kind,
            legal_reference=legal_reference,
            document=content,
            document_name=document.name if document else "",
        )
    stdout.print(f"Opened {_show(made)}.")
    stdout.print(
        "Another person of an approving role decides it: "
        f"steward disclosures decide {made.id} approve --reason TEXT --as USER"
    )


@app.command()
def decide(
    disclosure_id: Id,
    decision: Annotated[str, typer.Argument(help="approve, refuse or withdraw")],
    username: As,
    reason: Annotated[str, typer.Option(help="Why (kept in the register).")] = "",
    fields: Annotated[
        list[str] | None, typer.Option("--field", help="Keep only these fields (repeat).")
    ] = None,
    records: Annotated[
        list[str] | None, typer.Option("--record", help="Keep only these cases (repeat).")
    ] = None,
    prohibited_until: Annotated[
        datetime | None, typer.Option(help="Notice is prohibited until then (a gag order).")
    ] = None,
    prohibition_reason: Annotated[str, typer.Option(help="Why notice is prohibited.")] = "",
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Approve (perhaps narrowed), refuse or withdraw a waiting disclosure request."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import decide_disclosure

        done = decide_disclosure(
            vault,
            actor,
            disclosure_id,
            decision,
            reason=reason,
            fields=fields or None,
            records=records or None,
            prohibited_until=_utc(prohibited_until),
            prohibition_reason=prohibition_reason,
        )
    stdout.print(f"Now {_show(done)}.")


def _confirmations(pairs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        record, _, reason = pair.partition("=")
        if not reason.strip():
            raise _BadInput("give each --confirm as CASE_REFERENCE=REASON")
        found[record.strip()] = reason
    return found


@app.command()
def deliver(
    disclosure_id: Id,
    username: As,
    drop: Annotated[
        list[str] | None, typer.Option("--drop", help="Leave out a case whose person objected.")
    ] = None,
    confirm: Annotated[
        list[str] | None,
        typer.Option("--confirm", help="CASE=REASON: keep a case despite its objection."),
    ] = None,
    max_fetches: Annotated[int, typer.Option(help="How often the link may be used.")] = 3,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Deliver an approved disclosure, encrypted; the link and any passphrase are shown
    this once."""
    with user_errors():
        confirmed = _confirmations(confirm or [])
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import deliver_disclosure

        done = deliver_disclosure(
            vault, actor, disclosure_id, drop=drop or [], confirm=confirmed,
            max_fetches=max_fetches,
        )  # fmt: skip
    stdout.print(f"Now {_show(done.disclosure)}.")
    stdout.print(f"Link for the recipient (until {done.expires:%Y-%m-%d %H:%M} UTC): {done.path}")
    if done.passphrase:
        stdout.print(f"Passphrase, shown once; give it by another channel: {done.passphrase}")
    else:
        stdout.print("Encrypted to the recipient's public key: no passphrase.")


@app.command("list")
def list_requests(
    username: As,
    code: Code = "",
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """The disclosure requests, waiting ones first."""
    with user_errors():
        vault, actor = signed_in(username, code, plan, keys_dir, database_url, data_dir)
        from steward.vault.services import list_disclosures

        rows = list_disclosures(vault, actor)
    if not rows:
        stdout.print("No disclosure requests.")
    for row in rows:
        stdout.print(
            f"{row.id}  {row.state:<9}  {row.ground:<12}  to {row.recipient or row.party}  "
            f"{len(row.records)} record(s)  asked by {row.requested_by} "
            f"{row.requested_at:%Y-%m-%d %H:%M}"
        )
