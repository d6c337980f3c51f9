"""``abri new``/``abri set`` case details and ``abri export --from --to --account --entries``,
run as a person types them and checked on the case file and the documents written."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pytest
from docx import Document

from tests.export.realistic import build_case
from tui.cli import main


def _read(path: Path) -> dict:  # type: ignore[type-arg]
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_new_and_set_record_the_details_the_documents_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "bob.toml"
    code = main(
        ["new", str(case), "--lang", "fr", "--concerns", "Bob  Dupont", "--born", "01/02/1990"]
    )
    assert code == 0
    assert main(["set", str(case), "--helper", "Camille", "--place", "Lyon"]) == 0
    assert "Aide : Camille" in capsys.readouterr().out.replace("\u00a0", " ")
    doc = _read(case)
    assert doc["concerns"] == "Bob Dupont" and doc["concerns_birth"] == "01/02/1990"
    assert doc["helper"] == "Camille" and doc["place"] == "Lyon"
    journal = [line for line in doc["journal"] if line["action"] == "details-changed"]
    assert journal[-1]["detail"] == "helper,place"  # field names, never the values
    # An empty value clears; nothing given is a mistake explained in one sentence.
    assert main(["set", str(case), "--helper", ""]) == 0
    assert "helper" not in _read(case)
    assert main(["set", str(case)]) == 2
    assert "--concerns" in capsys.readouterr().err
    assert main(["set", str(case), "--place", "Ly\x1bon"]) == 2
    assert _read(case)["place"] == "Lyon"
    # The documents print them.
    main(["add", str(case), "--url", "https://x.com/a/status/1382350606417817604"])
    assert main(["export", str(case), "--format", "docx", "--output", str(tmp_path / "o")]) == 0
    [docx] = (tmp_path / "o").glob("*.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Bob Dupont, née ou né le 01/02/1990" in text and "Fait à Lyon, le" in text


def _csv_ids(folder: Path) -> list[str]:
    [path] = folder.glob("*.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return [row[0] for row in rows[1:]]


def test_export_scope_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    casefile = build_case(tmp_path)
    path = casefile.path
    casefile.close()

    def export(name: str, *options: str) -> int:
        output = str(tmp_path / name)
        return main(["export", str(path), "--format", "csv", "--output", output, *options])

    assert export("all") == 0 and len(_csv_ids(tmp_path / "all")) == 6
    assert export("days", "--from", "15/04/2021", "--to", "16/04/2021") == 0
    assert _csv_ids(tmp_path / "days") == ["E0026", "E0010", "E0011"]
    assert export("acc", "--account", "@raid_bot_22") == 0
    assert _csv_ids(tmp_path / "acc") == ["E0009"]
    assert export("ids", "--entries", "E0012,e0009") == 0
    assert _csv_ids(tmp_path / "ids") == ["E0009", "E0012"]
    capsys.readouterr()
    assert export("bad", "--entries", "E0999") == 2
    assert "E0999" in capsys.readouterr().err and not (tmp_path / "bad").exists()
    assert export("bad2", "--from", "31/02/2021") == 2
    assert capsys.readouterr().err.strip()
