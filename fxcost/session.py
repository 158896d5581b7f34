"""The session: the files, the per-file choices and every analysis setting, Qt-free (issue 10).

One object behind both doors: the app's setup panel edits a :class:`SetupState` (plain data) and the window
opens files with their per-file choices; the command line builds the same :class:`Session` from its flags
(:func:`fxcost.cli.session_from_args`). Both run it through ``pipeline.run`` (:meth:`Session.run`), so everything
one can set, the other can. A session is saved and reopened as a small JSON file (:meth:`Session.save`,
:meth:`Session.load`; ``--session FILE`` on both command lines).

:class:`Catalog` holds the bundled and user spread profiles and rebate programs by key (``bundled:FILE`` for
the bundled ones, else the file's path); :func:`build_settings` turns a state and a catalog into the engine's
AnalysisSettings.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from fxcost import atomic, safeio, userdata
from fxcost.analysis import programs
from fxcost.analysis.spreads import AutoProfile, SpreadProfile, auto_profile, bundled_profiles, other_type_profile
from fxcost.errors import FxCostError
from fxcost.resources import assets_dir

BUNDLED = "bundled:"
ACCOUNT_TYPES = (("auto", "Auto (from the export)"), ("standard", "Standard (spread only)"),
                 ("raw", "Raw / ECN (spread + commission)"))
#: Catalog key of the ``auto`` profile: Raw/ECN or Standard per account, chosen by the engine from the export.
AUTO_KEY = "auto"
#: The profile each account type stands for.
TYPE_PROFILE = {"auto": AUTO_KEY, "standard": BUNDLED + "standard.json", "raw": BUNDLED + "raw.json"}
#: Catalog key of the ``other`` comparison: per account, the account type it does not have (Standard <-> Raw/ECN).
OTHER_KEY = "other"
#: What the compared profiles charge as commission ("Their commission"): (key, label).
COMPARE_COMMISSION_MODES = (
    ("account_type", "What that account type charges"),
    ("export", "As exported"),
    ("none", "None"),
    ("rate", "Per lot, round turn:"),
)
#: The compared profiles before the ``other`` choice existed (a state saved then is moved to the new default).
_OLD_COMPARE_DEFAULT = [TYPE_PROFILE["raw"]]


def item_key(path: str) -> str:
    """A stable key for a profile or program: ``bundled:FILE`` for assets (their folder moves when frozen), else the path."""
    try:
        if Path(path).resolve().parent.parent == assets_dir().resolve():
            return BUNDLED + Path(path).name
    except OSError:
        pass
    return os.path.abspath(path)


@dataclass
class SetupState:
    """Every choice of the setup panel (plain data: it is saved as JSON in QSettings)."""

    account_type: str = "auto"
    profile: str = AUTO_KEY
    # The account type the trader does not have: comparing the actual one with itself would be a duplicate row.
    compare_profiles: list[str] = field(default_factory=lambda: [OTHER_KEY])
    # No rebate until the user picks theirs (the CLI agrees); the examples are compared, not applied.
    main_program: str = ""
    compare_programs: list[str] = field(default_factory=lambda: [BUNDLED + "example-cashback.json",
                                                                 BUNDLED + "flat-8-per-lot.json",
                                                                 BUNDLED + "raw-3-per-lot-plus-25pct-commission.json"])
    ib_program: str = BUNDLED + "ib-tiered.json"
    server_utc_offset: float = 0.0
    leverage: int = 0  # 0: as printed in the report
    commission_on: bool = False
    commission_rate: float = 7.0
    commission_per: str = "round_turn"
    commission_model: str = "per_lot"
    market_data: list[str] = field(default_factory=list)
    # Commission in the compared profiles (COMPARE_COMMISSION_MODES): what their account type charges (none for
    # Standard; for Raw/ECN the exported one on a Raw/ECN account, else 7 USD per lot round turn), as exported,
    # none, or compare_commission per round-turn lot.
    compare_commission_mode: str = "account_type"
    compare_commission: float = 7.0  # per lot round turn, in the account currency (mode "rate"; 0 = none)
    include_swap_in_cost: bool = False  # swap counted as a cost in break-even and net cost (else carry, apart)
    setups: list[str] = field(default_factory=list)  # what-if setup JSON files to compare (``report --setup``)
    # Issue 15: the period every figure covers (analysis.period.parse): "" all, "2025", "2025-Q3", "2025-07",
    # "last30", "last90" or "custom" with period_from/period_to (ISO dates, either may be "").
    period: str = ""
    period_from: str = ""
    period_to: str = ""
    # Issue 15: how a trade's strategy is named from its comment (analysis.strategy.RULE_HELP): "" the text
    # before "[", else a regular expression (its first group, or the whole match).
    strategy_rule: str = ""
    # Issue 12 (docs/SPREADS.md): spreads seen in the account's own same-second fills replace the profile's; the
    # profile and catalogue spreads follow the time-of-day shape, read on this server clock ("": the default).
    observed_spreads: bool = True
    time_of_day: bool = True
    time_of_day_clock: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> SetupState:
        """A state from saved JSON; unknown or mistyped values fall back to the defaults."""
        state = cls()
        for f in fields(cls):
            if f.name in data and isinstance(data[f.name], type(getattr(state, f.name))):
                setattr(state, f.name, data[f.name])
            elif f.name in data and isinstance(getattr(state, f.name), float) and isinstance(data[f.name], int):
                setattr(state, f.name, float(data[f.name]))
        if state.compare_commission_mode not in dict(COMPARE_COMMISSION_MODES):
            state.compare_commission_mode = "account_type"
        if "compare_commission_mode" not in data:  # saved before the mode: compare_commission 0 meant "as exported"
            if state.compare_commission > 0 and "compare_commission" in data:
                state.compare_commission_mode = "rate"
            else:
                state.compare_commission = cls.compare_commission
            if state.compare_profiles == _OLD_COMPARE_DEFAULT:
                state.compare_profiles = [OTHER_KEY]
        return state

    def as_dict(self) -> dict:
        return asdict(self)


class Catalog:
    """The bundled and user spread profiles and rebate programs, by key, and the damaged files met."""

    def __init__(self, user: bool = True):
        self.user = user  # False: bundled only (the command line never reads, or sets aside, the app's user files)
        self.profiles: dict[str, SpreadProfile] = {}
        self.programs: dict[str, programs.RebateProgram] = {}
        self.problems: list[userdata.Problem] = []
        self.reload()

    def reload(self) -> list[userdata.Problem]:
        """Read everything again; returns the damaged files found this time (set aside by userdata)."""
        loaded_profiles = userdata.load_profiles() if self.user else userdata.Loaded()
        loaded_programs = userdata.load_programs() if self.user else userdata.Loaded()
        self.profiles = {AUTO_KEY: auto_profile(), OTHER_KEY: other_type_profile(),
                         **{item_key(p.path): p for p in bundled_profiles() + loaded_profiles.items}}
        self.programs = {item_key(p.path): p for p in programs.bundled_programs() + loaded_programs.items}
        self.problems = loaded_profiles.problems + loaded_programs.problems
        return self.problems

    @staticmethod
    def is_user(key: str) -> bool:
        return not key.startswith(BUNDLED) and key not in (AUTO_KEY, OTHER_KEY)

    def program_key(self, name_or_path: str) -> str:
        """The key of a program given as on the command line (a bundled name or a JSON file), added when new;
        raises FxCostError (ProgramError) with the reason when it cannot be read."""
        if name_or_path in self.programs:
            return name_or_path
        program = programs.load_named(name_or_path)
        key = item_key(program.path) if program.path else name_or_path
        self.programs.setdefault(key, program)
        return key

    def profile_key(self, name_or_path: str) -> str:
        """The key of a spread profile given as on the command line ("auto", "standard", "raw", "other" or a JSON
        file), added when new; raises FxCostError (ProfileError) when it cannot be read."""
        from fxcost.analysis.spreads import load_profile

        if name_or_path in self.profiles:
            return name_or_path
        lowered = str(name_or_path).lower()
        if lowered in (AUTO_KEY, OTHER_KEY):
            return lowered
        profile = load_profile(name_or_path)
        key = item_key(profile.path) if getattr(profile, "path", "") else str(name_or_path)
        self.profiles.setdefault(key, profile)
        return key


def build_settings(state: SetupState, catalog: Catalog, market_cache: dict | None = None):
    """The engine's AnalysisSettings for ``state``; reads market-data files (cached by path)."""
    from fxcost.analysis.costs import CommissionSchedule
    from fxcost.analysis.engine import AnalysisSettings, Setup

    profile = (catalog.profiles.get(state.profile) if state.profile != OTHER_KEY else None) or \
        catalog.profiles.get(AUTO_KEY) or next(iter(catalog.profiles.values()))
    settings = AnalysisSettings(profile=profile)
    main = catalog.programs.get(state.main_program)
    compared = [catalog.programs[k] for k in dict.fromkeys(state.compare_programs)
                if k in catalog.programs and k != state.main_program]
    settings.setups = []
    if main is not None:
        settings.programs = [main, *compared]
    else:
        # The engine takes the first program as the main one: without a main program, compared ones
        # become setups of their own so none of them is mistaken for the trader's actual program.
        settings.programs = []
        settings.setups = [Setup(f"Program: {p.name}", program=p) for p in compared]
    # Another profile is compared under the same rebate program, and with the commission such an
    # account charges (a Raw/ECN account's spread is only cheaper because commission is added; a Standard
    # account charges none): never the exported commission on top of another account type's spread.
    settings.setups += [Setup(f"Profile: {p.name}", profile=p, commission=compare_commission(state), program=main)
                        for p in compared_profiles(state, catalog, profile)]
    if state.setups:  # what-if setup files (spread profile + commission + program), as ``report --setup``
        from fxcost.analysis.whatif import load_setup

        settings.setups += [load_setup(p) for p in state.setups]
    settings.server_utc_offset = float(state.server_utc_offset)
    settings.leverage = int(state.leverage) or None
    settings.include_swap_in_cost = bool(state.include_swap_in_cost)
    if state.period or state.period_from or state.period_to:
        from fxcost.analysis.period import parse

        period = parse(state.period, state.period_from, state.period_to)
        settings.period = None if period.is_all else period
    settings.strategy_rule = state.strategy_rule or ""
    settings.observed_spreads = bool(state.observed_spreads)
    settings.time_of_day = bool(state.time_of_day)
    settings.time_of_day_clock = str(state.time_of_day_clock or "")
    if state.commission_on and state.commission_rate > 0:
        per = "per side" if state.commission_per == "per_side" else "round turn"
        unit = "per million" if state.commission_model == "per_million" else "per lot"
        settings.commission = CommissionSchedule(name=f"{state.commission_rate:g} {unit} {per}",
                                                 model=state.commission_model, rate=state.commission_rate,
                                                 per=state.commission_per, currency="")
    if state.market_data:
        from fxcost.analysis.market_data import read_market_data

        cache = market_cache if market_cache is not None else {}
        for path in state.market_data:
            if path not in cache:
                cache[path] = read_market_data(path)
        settings.market_data = [cache[p] for p in state.market_data]
    return settings


def compare_commission(state: SetupState):
    """The commission the compared profiles charge (engine.Setup.commission): None lets the engine charge
    what each profile's account type charges (whatif.commission_schedule)."""
    from fxcost.analysis.costs import CommissionSchedule
    from fxcost.analysis.engine import EXPORTED_COMMISSION

    mode = state.compare_commission_mode
    if mode == "export":
        return EXPORTED_COMMISSION
    if mode == "none" or (mode == "rate" and state.compare_commission <= 0):
        return CommissionSchedule(name="none", rate=0.0, currency="", apply="always")
    if mode == "rate":
        return CommissionSchedule(name=f"{state.compare_commission:g} per lot round turn",
                                  rate=state.compare_commission, currency="", apply="always")
    return None


def compared_profiles(state: SetupState, catalog: Catalog, actual: SpreadProfile) -> list[SpreadProfile]:
    """The ticked compared profiles, without the actual one and without duplicates. ``other`` is the bundled
    table of the other account type when the actual profile names its type, else chosen per account."""
    out: list[SpreadProfile] = []
    for key in state.compare_profiles:
        p = catalog.profiles.get(key)
        if p is None or key == state.profile or key == AUTO_KEY:
            continue
        if key == OTHER_KEY and not isinstance(actual, AutoProfile) and actual.account_type:
            p = p.raw if actual.account_type == "standard" else p.standard
        if p.name == actual.name or any(p.name == q.name for q in out):
            continue
        out.append(p)
    return out


class SessionError(FxCostError):
    """A session file that cannot be read or written (the message says which and why)."""


#: Version of the session file's layout.
SESSION_VERSION = 1


@dataclass
class Session:
    """Files, per-file choices and every analysis setting (``setup``, including the IB view's program).

    ``currency``: path -> the account currency of a file that prints none (``"*"``: every file);
    ``date_order``: path -> "dmy"/"mdy" for a CSV whose dates read both ways (``"*"``: every file);
    ``csv_mapping``: column -> header of CSV files whose columns fxcost does not recognise.
    """

    files: list[str] = field(default_factory=list)
    setup: SetupState = field(default_factory=SetupState)
    currency: dict[str, str] = field(default_factory=dict)
    date_order: dict[str, str] = field(default_factory=dict)
    csv_mapping: dict[str, str] = field(default_factory=dict)
    # Issue 14, an IB's book: the roster, per client login the name the IB knows the client by and the share of
    # the IB's earnings passed back to that client (over any IB program's own client_shares).
    client_names: dict[str, str] = field(default_factory=dict)
    client_shares: dict[str, float] = field(default_factory=dict)
    # Issue 14, partner reports: the broker's partner-portal report the book is reconciled with ("" none), and
    # canonical column -> header where its columns are not recognised (importers.partner_report.read's mapping).
    partner_report: str = ""
    partner_mapping: dict[str, str] = field(default_factory=dict)

    def for_files(self, choice: dict[str, str]) -> str | dict[str, str] | None:
        """A per-file choice as pipeline.import_files takes it: one value for all, a value per path, or None."""
        if "*" in choice:
            return {f: choice.get(f, choice["*"]) for f in self.files}
        return {f: choice[f] for f in self.files if f in choice} or None

    def settings(self, catalog: Catalog | None = None, market_cache: dict | None = None):
        """The engine's AnalysisSettings (reads market-data and setup files); IB programs carry the roster's shares."""
        return build_settings(self.setup, self.with_roster(catalog or Catalog(user=False)), market_cache)

    def ib_program(self, catalog: Catalog | None = None):
        """The IB view's program (None: the main one), with the roster's per-client shares."""
        return self.with_roster(catalog or Catalog(user=False)).programs.get(self.setup.ib_program)

    def with_roster(self, catalog: Catalog) -> Catalog:
        """``catalog`` with the roster's per-client shares in every IB program (one that passes a share back); the
        catalog itself when the roster gives none."""
        if not self.client_shares:
            return catalog
        out = copy.copy(catalog)
        out.programs = {k: (dataclasses.replace(p, client_shares={**p.client_shares, **self.client_shares})
                            if p.client_share_pct is not None or p.client_shares else p)
                        for k, p in catalog.programs.items()}
        return out

    def apply_roster(self, portfolio) -> None:
        """Name each client account of ``portfolio`` as the roster does (the IB view, client statements)."""
        if not self.client_names:
            return
        for book in portfolio.accounts:
            for login in (book.label, book.account.login):
                if login in self.client_names:
                    book.account.name = self.client_names[login]
                    break

    def run(self, catalog: Catalog | None = None, *, settings=None, progress: Callable[[float, str], None] | None = None,
            is_cancelled: Callable[[], bool] | None = None, cache=None):
        """Import the files and analyse them (pipeline.run, the roster applied to the portfolio before the analysis):
        the one job of the app's Open and of ``report``. ``cache``: a statement_cache.StatementCache (files parsed
        before)."""
        from fxcost.pipeline import run

        return run(self.files, settings if settings is not None else self.settings(catalog), progress=progress,
                   is_cancelled=is_cancelled, csv_mapping=self.csv_mapping or None,
                   currency=self.for_files(self.currency), csv_date_order=self.for_files(self.date_order), cache=cache,
                   prepare=self.apply_roster)

    def as_dict(self, relative_to: str | os.PathLike | None = None) -> dict:
        """Plain JSON data; file paths relative to ``relative_to`` (the session file's folder) where they can be."""

        def rel(path: str) -> str:
            if relative_to is None:
                return path
            try:
                return os.path.relpath(path, relative_to)
            except ValueError:  # another drive (Windows)
                return path

        return {"fxcost_session": SESSION_VERSION, "files": [rel(f) for f in self.files],
                "currency": {(rel(k) if k != "*" else k): v for k, v in self.currency.items()},
                "date_order": {(rel(k) if k != "*" else k): v for k, v in self.date_order.items()},
                "csv_mapping": dict(self.csv_mapping), "setup": self.setup.as_dict(), "roster": self.roster(),
                **({"partner_report": {"path": rel(self.partner_report), "mapping": dict(self.partner_mapping)}}
                   if self.partner_report else {})}

    def roster(self) -> dict[str, dict]:
        """The roster as the book file holds it: login -> {"name", "share_pct"} (either may be absent)."""
        out: dict[str, dict] = {}
        for login, name in self.client_names.items():
            out.setdefault(login, {})["name"] = name
        for login, share in self.client_shares.items():
            out.setdefault(login, {})["share_pct"] = share
        return dict(sorted(out.items()))

    @classmethod
    def from_dict(cls, data, base: str | os.PathLike | None = None, where: str = "session") -> Session:
        """A session from JSON data; relative paths are of ``base`` (the session file's folder)."""
        if not isinstance(data, dict) or "fxcost_session" not in data:
            raise SessionError(f"{where}: not an fxcost session (a JSON object with \"fxcost_session\": 1 is expected)")

        def path(p) -> str:
            if not isinstance(p, str) or not p:
                raise SessionError(f"{where}: a file name must be text, not {p!r}")
            return str(Path(base, p)) if base is not None and not os.path.isabs(p) else p

        def choices(name: str) -> dict[str, str]:
            value = data.get(name) or {}
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise SessionError(f"{where}: {name} must map file names to text")
            return {(path(k) if k != "*" else k): v for k, v in value.items()}

        files = data.get("files") or []
        if not isinstance(files, list):
            raise SessionError(f"{where}: files must be a list of file names")
        mapping = data.get("csv_mapping") or {}
        if not isinstance(mapping, dict):
            raise SessionError(f"{where}: csv_mapping must map column names to headers")
        setup = data.get("setup") or {}
        if not isinstance(setup, dict):
            raise SessionError(f"{where}: setup must be a JSON object")
        state = SetupState.from_dict(setup)
        # Paths inside the setup (market data, what-if setups, programs given as files) are of the session's folder.
        state.market_data = [path(p) for p in state.market_data]
        state.setups = [path(p) for p in state.setups]
        names, shares = _roster(data.get("roster") or {}, where)
        partner = data.get("partner_report") or {}  # absent in books saved before partner reports (issue 14)
        if not isinstance(partner, dict) or not isinstance(partner.get("mapping") or {}, dict) \
                or not all(isinstance(v, str) for v in (partner.get("mapping") or {}).values()):
            raise SessionError(f"{where}: partner_report must be {{\"path\": FILE, \"mapping\": {{column: header}}}}")
        return cls(files=[path(f) for f in files], setup=state, currency=choices("currency"),
                   date_order=choices("date_order"), csv_mapping={str(k): str(v) for k, v in mapping.items()},
                   client_names=names, client_shares=shares,
                   partner_report=path(partner["path"]) if partner.get("path") else "",
                   partner_mapping={str(k): v for k, v in (partner.get("mapping") or {}).items()})

    def save(self, path: str | os.PathLike) -> None:
        """Write the session as JSON (atomically), paths relative to its folder."""
        folder = os.path.dirname(os.path.abspath(path))
        try:
            atomic.write_text(str(path), json.dumps(self.as_dict(folder), indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise SessionError(f"cannot write {path}: {exc.strerror or exc}") from exc

    @classmethod
    def load(cls, path: str | os.PathLike) -> Session:
        """A session saved by :meth:`save`; raises SessionError with the reason when it cannot be read."""
        try:  # a size cap and a depth check (safeio, issue 13): a book is a few kB even with 500 clients
            data = safeio.read_json(path, "session or book")
        except OSError as exc:
            raise SessionError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except safeio.FileRefused as exc:
            raise SessionError(f"{path}: {exc}") from exc
        return cls.from_dict(data, os.path.dirname(os.path.abspath(path)), where=os.path.basename(str(path)))


def _roster(value, where: str) -> tuple[dict[str, str], dict[str, float]]:
    """The roster of a book file: (login -> name, login -> share passed back in percent), validated."""
    import math

    if not isinstance(value, dict):
        raise SessionError(f"{where}: roster must map client logins to {{\"name\": ..., \"share_pct\": ...}}")
    names: dict[str, str] = {}
    shares: dict[str, float] = {}
    for login, entry in value.items():
        if not isinstance(entry, dict) or set(entry) - {"name", "share_pct"}:
            raise SessionError(f"{where}: roster.{login} must be an object with \"name\" and/or \"share_pct\"")
        if "name" in entry:
            if not isinstance(entry["name"], str):
                raise SessionError(f"{where}: roster.{login}.name must be text")
            if entry["name"].strip():
                names[str(login)] = entry["name"].strip()
        if entry.get("share_pct") is not None:
            share = entry["share_pct"]
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share) \
                    or not 0 <= share <= 100:
                raise SessionError(f"{where}: roster.{login}.share_pct {share!r} must be a percentage from 0 to 100")
            shares[str(login)] = float(share)
    return names, shares
