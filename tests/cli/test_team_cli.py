"""A PostgreSQL team server: each coder logs in as her own role, and the server's row security
keeps the blind rule and her hands off everyone else's work, checked with plain SQL as her role
and with qcode run as her. The PI is a role without superuser rights (CREATEROLE and CREATE on
the database), as on a real server. Roles are cluster-wide: every test makes uniquely named ones
and drops them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

SECOND = "Interviewer: And clients?\n\nRespondent: Upwork brought the first ones.\n"


def as_role(url: str, role: str, password: str | None = None) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


@pytest.fixture
def roles(pg_url: str) -> Iterator[list[str]]:
    """Names for new roles (each test's own); whatever they own or were granted here is dropped
    with them afterwards."""
    made: list[str] = []
    yield made
    from qcode.store.engine import dispose_engines

    dispose_engines()
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for role in reversed(made):
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                conn.execute(text(f'DROP OWNED BY "{role}" CASCADE'))
                conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def new_role(roles: list[str], *options: str, pg_url: str | None = None) -> str:
    role = f"qt_{uuid.uuid4().hex[:12]}"
    roles.append(role)
    if pg_url is not None:  # made by the administrator; otherwise qcode makes it
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN {" ".join(options)}'))
            database = make_url(pg_url).database
            conn.execute(text(f'GRANT CREATE ON DATABASE "{database}" TO "{role}"'))
        admin.dispose()
    return role


@dataclass
class Team:
    pi: Cli
    ana: Cli
    ben: Cli
    ana_role: str
    ben_role: str

    def sql(self, who: Cli, statement: str, **params: Any) -> Any:
        """Run one statement as that person's role, committed; returns the result's rows."""
        from qcode.store.engine import get_engine

        with get_engine(str(who.db)).begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount


@pytest.fixture
def team(pg_schema: str, pg_url: str, roles: list[str], tmp_path: Path) -> Team:
    """A PI (no superuser), ana and ben with logins, a blind round on int_001 with one coding
    each, and ana's memo on hers."""
    pi_role = new_role(roles, "CREATEROLE", pg_url=pg_url)
    pi = Cli(tmp_path, as_role(pg_schema, pi_role))
    (tmp_path / "book.yaml").write_text(V1, "utf-8")
    assert pi("init", "--codebook", str(tmp_path / "book.yaml"), "--coder", "pia").exit_code == 0
    (tmp_path / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    (tmp_path / "int_002.txt").write_text(SECOND, "utf-8")
    assert pi("import", str(tmp_path / "int_001.txt"), str(tmp_path / "int_002.txt")).exit_code == 0
    ana_role, ben_role = new_role(roles), new_role(roles)
    secret = tmp_path / "ana.password"
    secret.write_text("s3cret 'quoted'\n", "utf-8")
    added = pi("team", "add-coder", "ana", "--login", ana_role, "--password-file", str(secret))
    assert added.exit_code == 0, added.stderr
    assert pi("team", "add-coder", "Ben", "--login", ben_role).exit_code == 0
    made = pi("round", "create", "r1", "--coders", "ana,Ben", "--docs", "int_001", "--blind")
    assert made.exit_code == 0, made.stderr
    ana = Cli(tmp_path, as_role(pg_schema, ana_role, "s3cret 'quoted'"))
    ben = Cli(tmp_path, as_role(pg_schema, ben_role))
    assert ana("tag", "int_001", "t2", "diaspora").exit_code == 0
    assert ana("memo", "coding", "1", "her cousin again").exit_code == 0
    assert ben("tag", "int_001", "t4", "barriers").exit_code == 0
    assert ben("tag", "int_002", "t2", "diaspora").exit_code == 0  # outside the round
    return Team(pi, ana, ben, ana_role, ben_role)


def _coders_seen(team: Team, who: Cli) -> list[str]:
    return [r[0] for r in team.sql(who, "SELECT c.name FROM codings g JOIN coders c "
                                        "ON c.id = g.coder_id ORDER BY g.id")]


@pytest.mark.postgres
def test_in_an_open_blind_round_her_role_sees_only_her_own_codings(team: Team) -> None:
    assert _coders_seen(team, team.ben) == ["Ben", "Ben"]  # ana's int_001 coding is hidden
    assert _coders_seen(team, team.ana) == ["ana", "Ben"]  # his int_002 coding is in no round
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben"]
    assert team.sql(team.ben, "SELECT text FROM memos") == []  # the thread on ana's coding too
    logged = team.sql(team.ben, "SELECT actor, action FROM events WHERE target_type = 'coding'")
    assert ("ana", "tag") not in [tuple(r) for r in logged]
    assert team.pi("round", "close", "r1").exit_code == 0
    assert _coders_seen(team, team.ben) == ["ana", "Ben", "Ben"]
    assert [r[0] for r in team.sql(team.ben, "SELECT text FROM memos")] == ["her cousin again"]


@pytest.mark.postgres
def test_a_pi_login_that_does_not_own_the_tables_still_sees_everything(
    team: Team, roles: list[str], pg_url: str, pg_schema: str
) -> None:
    second = new_role(roles, pg_url=pg_url)
    assert team.pi("coders", "add", "bo", "--role", "pi").exit_code == 0
    team.sql(team.pi, f'GRANT USAGE ON SCHEMA "{make_url(pg_schema).query["schema"]}" TO "{second}"')
    team.sql(team.pi, f'GRANT SELECT ON ALL TABLES IN SCHEMA "{make_url(pg_schema).query["schema"]}" '
                      f'TO "{second}"')
    bo = Cli(team.pi.cwd, as_role(pg_schema, second))
    assert _coders_seen(team, bo) == ["Ben"]  # not linked yet: nothing of the round (int_002 is none)
    team.sql(team.pi, "UPDATE coders SET db_role = :r WHERE key = 'bo'", r=second)
    assert _coders_seen(team, bo) == ["ana", "Ben", "Ben"]


@pytest.mark.postgres
@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_her_role_cannot_change_another_coders_codings(team: Team, closed: bool) -> None:
    if closed:  # visible now, and still not hers to change
        assert team.pi("round", "close", "r1").exit_code == 0
    ana_coding = "SELECT id FROM codings WHERE coder_id = (SELECT id FROM coders WHERE key = 'ana')"
    assert team.sql(team.ben, f'UPDATE codings SET "end" = "end" - 1 WHERE id IN ({ana_coding})') == 0
    assert team.sql(team.ben, f"DELETE FROM codings WHERE id IN ({ana_coding})") == 0
    assert team.sql(team.ben, "DELETE FROM memos WHERE coder_id = (SELECT id FROM coders "
                              "WHERE key = 'ana')") == 0
    with pytest.raises(DBAPIError, match="row-level security"):
        team.sql(team.ben, "INSERT INTO codings (uuid, document_id, code_id, coder_id, layer, start, "
                           "\"end\", quote, prefix, suffix, anchor, created_at, updated_at) "
                           "SELECT :u, d.id, k.id, c.id, 'coding', 0, 5, 'x', '', '', 'ok', now(), now() "
                           "FROM documents d, codes k, coders c WHERE d.name = 'int_002.txt' "
                           "AND k.key = 'barriers' AND c.key = 'ana'", u=str(uuid.uuid4()))
    with pytest.raises(DBAPIError, match="row-level security"):
        team.sql(team.ben, "UPDATE codings SET coder_id = (SELECT id FROM coders WHERE key = 'ana') "
                           "WHERE coder_id = (SELECT id FROM coders WHERE key = 'ben')")
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben"]
    assert team.sql(team.pi, f'SELECT "end" - start FROM codings WHERE id IN ({ana_coding})')[0][0] > 1


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE codes SET label = 'mine'",
    "INSERT INTO codes (uuid, key, label, position, definition, examples_json, retired, applicable, "
    "first_version) VALUES ('u', 'new', 'New', 9, '', '[]', false, true, 1)",
    "DELETE FROM documents",
    "UPDATE rounds SET status = 'closed'",
    "DELETE FROM round_assignments",
    "UPDATE coders SET role = 'pi'",
    "UPDATE meta SET value = 'x'",
    "UPDATE events SET summary = 'forged'",
    "INSERT INTO events (at, actor, action, batch, target_type, summary) "
    "VALUES (now(), 'ana', 'tag', 'b', 'coding', 'forged')",
], ids=["codes", "new code", "documents", "rounds", "assignments", "roles", "meta", "log",
        "log as ana"])
def test_her_role_cannot_change_the_codebook_documents_rounds_or_the_log(
    team: Team, statement: str
) -> None:
    with pytest.raises(DBAPIError, match=r"permission denied|row-level security"):
        team.sql(team.ben, statement)


@pytest.mark.postgres
def test_qcode_run_as_her_role_tags_lists_and_undoes_her_own_work(team: Team) -> None:
    ben = team.ben
    listed = ben("codings", "--format", "csv")
    assert listed.exit_code == 0 and "ana" not in listed.stdout and listed.stdout.count("Ben") == 2
    assert ben("tag", "int_001", "t2", "barriers").exit_code == 0  # who codes: her login decides
    assert ben("memo", "coding", "4", "a first look").exit_code == 0
    assert ben("undo").exit_code == 0 and ben("undo").exit_code == 0
    assert ben("redo").exit_code == 0
    assert ben("untag", "4").exit_code == 0
    log = ben("log", "--format", "json")
    assert log.exit_code == 0
    seen = {(e["actor"], e["action"]) for e in json.loads(log.stdout)}
    assert ("ana", "tag") not in seen and ("ana", "memo") not in seen
    shown = ben("show", "int_001")
    assert shown.exit_code == 0 and "barriers" in shown.stdout and "diaspora" not in shown.stdout
    other = ben("tag", "int_001", "t2", "barriers", "--coder", "ana")
    assert other.exit_code == 2 and "cannot act as ana" in other.stderr
    refused = ben("untag", "1")  # ana's coding: not there for him
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    close = ben("round", "close", "r1")
    assert close.exit_code == 1 and "only a PI" in close.stderr
    changed = ben.cwd / "changed.yaml"
    changed.write_text(V1.replace("Barriers", "Obstacles"), "utf-8")
    fresh = ben.cwd / "int_003.txt"
    fresh.write_text(SECOND, "utf-8")
    for argv in (["codebook", "load", str(changed)], ["import", str(fresh)]):
        run = ben(*argv)
        assert run.exit_code == 1 and "the server refused" in run.stderr, (argv, run.stderr)
    for argv in (["team", "add-coder", "eve", "--login", "qt_never"], ["team", "setup"]):
        run = ben(*argv)
        assert run.exit_code == 1 and "only the PI" in run.stderr, run.stderr
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben"]


@pytest.mark.postgres
def test_her_role_bulk_imports_her_own_codings_and_no_one_elses(team: Team) -> None:
    """`import-codings` stages its rows in a temporary table and copies them in: as her role
    the server's row security still decides which rows she may write."""
    ben = team.ben
    own = ben.cwd / "own.csv"
    own.write_text("document,coder,code,start,end,memo\n"
                   "int_002.txt,Ben,barriers,0,10,first look\nint_002.txt,Ben,diaspora,11,20,\n",
                   "utf-8")
    loaded = ben("import-codings", str(own))
    assert loaded.exit_code == 0, loaded.stderr
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben", "Ben", "Ben"]
    hers = ben.cwd / "hers.csv"
    hers.write_text("document,coder,code,start,end,memo\nint_002.txt,ana,barriers,0,10,\n", "utf-8")
    refused = ben("import-codings", str(hers))
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "the server refused" in refused.stderr
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben", "Ben", "Ben"]
    assert ben("undo").exit_code == 0
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben"]


@pytest.mark.postgres
def test_team_list_and_remove_coder_keep_her_codings(team: Team) -> None:
    listed = team.pi("team", "list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["ana"]["login"] == team.ana_role and rows["ana"]["can_code"] is True
    assert rows["pia"]["role"] == "pi" and rows["pia"]["login"]  # linked to the role that set it up
    removed = team.pi("team", "remove-coder", "Ben", "--drop-role")
    assert removed.exit_code == 0, removed.stderr
    assert "dropped" in removed.stderr
    assert _coders_seen(team, team.pi) == ["ana", "Ben", "Ben"]
    gone = team.ben("codings")
    assert gone.exit_code != 0 and "Traceback" not in gone.stderr
    again = team.pi("team", "remove-coder", "Ben")
    assert again.exit_code == 1 and "no login" in again.stderr
    rows = {r["name"]: r for r in json.loads(team.pi("team", "list", "--format", "json").stdout)}
    assert rows["Ben"]["login"] is None


@pytest.mark.postgres
def test_add_coder_checks(team: Team) -> None:
    pi = team.pi
    clash = pi("team", "add-coder", "cy", "--login", team.ana_role)
    assert clash.exit_code == 1 and "already ana's login" in clash.stderr
    assert pi("team", "add-coder", "pia", "--login", "qt_pi_never").exit_code == 1
    bad = pi("team", "add-coder", "cy", "--login", "Robert'); DROP")
    assert bad.exit_code == 2 and "not usable" in bad.stderr
    both = pi("team", "add-coder", "cy", "--password", "a", "--password-file", "x")
    assert both.exit_code == 2


@pytest.mark.postgres
def test_a_pi_role_that_may_not_create_roles_is_told_so(
    pg_schema: str, pg_url: str, roles: list[str], tmp_path: Path
) -> None:
    pi = Cli(tmp_path, as_role(pg_schema, new_role(roles, pg_url=pg_url)))  # no CREATEROLE
    assert pi("init", "--coder", "pia").exit_code == 0
    run = pi("team", "add-coder", "ana", "--login", new_role(roles))
    assert run.exit_code == 1 and "needs CREATEROLE" in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1
    assert "ana" not in pi("coders").stdout  # nothing of it was kept


@pytest.mark.sqlite_only
def test_on_sqlite_team_commands_say_they_need_postgresql(project: Cli) -> None:
    assert project("coders", "add", "ana").exit_code == 0
    for argv in (["team", "add-coder", "ana"], ["team", "list"], ["team", "setup"],
                 ["team", "remove-coder", "ana"]):
        run = project(*argv)
        assert run.exit_code == 1, (argv, run.stderr)
        assert run.stderr.count("\n") == 1 and "need a PostgreSQL project" in run.stderr


@pytest.mark.postgres
def test_init_in_a_schema_of_its_own_and_every_later_command_in_it(pg_url: str, tmp_path: Path) -> None:
    from qcode.store.postgres import with_schema

    schema = f"s_{uuid.uuid4().hex[:10]}"
    other = f"s_{uuid.uuid4().hex[:10]}"
    try:
        made = Cli(tmp_path, pg_url)("init", "--schema", schema, "--coder", "pia")
        assert made.exit_code == 0, made.stderr
        assert f"schema={schema}" in made.stderr
        inside = Cli(tmp_path, with_schema(pg_url, schema))
        assert inside("coders", "add", "ana").exit_code == 0
        # The driver's own spelling names the same schema.
        options = Cli(tmp_path, f"{pg_url}?options=-csearch_path%3D{schema}")
        assert "ana" in options("coders").stdout
        assert Cli(tmp_path, pg_url)("init", "--schema", other).exit_code == 0  # a second project
        assert "ana" not in Cli(tmp_path, with_schema(pg_url, other))("coders").stdout
        missing = Cli(tmp_path, with_schema(pg_url, "s_never_made"))("coders")
        assert missing.exit_code == 3 and "not a qcode project" in missing.stderr
        sqlite = Cli(tmp_path, tmp_path / "q.db")("init", "--schema", schema)
        assert sqlite.exit_code == 2 and "PostgreSQL" in sqlite.stderr
    finally:
        from qcode.store.engine import dispose_engines

        dispose_engines()
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            for name in (schema, other):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
