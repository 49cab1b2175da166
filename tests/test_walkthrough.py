"""``make walkthrough`` keeps working: the walk-through runs end to end on a fresh SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow import walkthrough


@pytest.mark.integration
def test_walkthrough_runs_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKFLOW_DB", raising=False)
    walkthrough.main()
    out = capsys.readouterr().out
    assert "2026-02-28" in out  # the make-up Saturday
    assert "no working-day calendar is loaded for 2027" in out
    assert "2026-03-05至2026-03-20暂停（征求第三方意见）：已用11个工作日，剩余9个" in out
    assert "verify: every case matches its event log" in out
    lapsed = "逾期未补正 [lapse_correction]：待补正 [needs_correction] → 已办结 [decided]"
    assert f"{lapsed}（scheduler）" in out
    assert "(run 2): 0 timers fired" in out  # nothing fires twice
    assert "应当先申请行政复议" in out
    assert "| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 1 |" in out
    assert "✓ 一 + 二 = 三(七) + 四" in out  # the partial refusal's remedy clause, since 2024
    assert "自2026-06-08起重新计算：20个工作日，2026-07-07到期" in out  # fee notice served
    assert "答复期限 [answer]：到期日未定（待2027年日历），剩 20 个工作日" in out
    assert "zbgd-2026-0004  answer: due unknown -> due 2027-01-08; timers: 4 planned" in out
    assert (tmp_path / "walkthrough" / "workflow.db").is_file()
    letters = tmp_path / "walkthrough" / "letters"
    assert {p.suffix for p in letters.iterdir()} == {".txt", ".html", ".docx", ".pdf"}
