"""Korean and English: the catalog, numbers per locale, the report, the CLI and the headline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gigafactory
from conftest import small_scenario, stored_site
from gigafactory.cli import app
from gigafactory.i18n import catalog, money_usd, number, translator
from gigafactory.scenario import scenario_from_dict
from gigafactory.summary import headline, notice_text

SRC = Path(__file__).resolve().parent.parent / "src" / "gigafactory"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
runner = CliRunner()


def _texts_marked_for_translation() -> set[str]:
    """Every literal passed to the translator (``_("...")``) in the report, web and CLI."""
    found: set[str] = set()
    for folder in ("report", "web", "cli", "summary"):
        for path in (SRC / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= set(re.findall(r"""\b_\("((?:[^"\\]|\\.)+)"\)""", text))
            found |= set(re.findall(r"""\b_\('((?:[^'\\]|\\.)+)'\)""", text))
    return found


def test_every_text_marked_for_translation_has_its_korean():
    marked = _texts_marked_for_translation()
    assert len(marked) > 80  # the report, the web app and the CLI
    missing = sorted(t for t in marked if t not in catalog("ko"))
    assert not missing, missing


def test_every_technology_label_and_cost_kind_has_its_korean():
    from gigafactory.report.charts import COST_KINDS
    from gigafactory.report.run import MONTHS

    names = [*gigafactory.summary.TECHNOLOGY_LABELS.values(), *COST_KINDS.values(), *MONTHS]
    assert [n for n in names if n not in catalog("ko")] == []


def test_catalog_placeholders_survive_translation():
    for english, korean in catalog("ko").items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", korean)), english


def test_numbers_and_money_per_locale():
    # CLDR: Korean groups digits by three with a comma and a dot decimal mark, like English
    assert number(1234567.891, 1, "ko") == "1,234,567.9" == number(1234567.891, 1, "en")
    # money as each reader counts it: millions of USD; 억 (10^8) and 만 (10^4) 달러
    assert money_usd(130.39e6) == "130.4 M USD"
    assert money_usd(130.39e6, "ko") == "1.3억 달러"
    assert money_usd(15.23e6, "ko") == "1523만 달러"
    with pytest.raises(ValueError, match="language 'fr' is not offered; choose one of: en, ko"):
        translator("fr")


def test_korean_headline_of_the_default_demo():
    site = stored_site("korea-southwest")
    assert headline(site, "ko") == (
        "jeonnam: 최소 비용 구성은 해상풍력 1 MW, 고정식 태양광 273 MW, 리튬이온 배터리 "
        "100 MW / 398 MWh, 35 MW 계약(jeonnam-wind-ppa), 100 MW 계통 연계이며, 연 1.3억 달러, "
        "시간별 무탄소 전력 66 %, 미공급 전력 없음."
    )
    assert headline(site, "en") == site.headline  # the English one is what the run stored


def test_korean_headline_says_what_was_not_built():
    sentence = headline(stored_site("stargate-abilene"), "ko")
    assert sentence.endswith(
        "; 미구축: 추적식 태양광은(는) 1,300 USD/kW 미만이어야 진입 가능 (현재 1,606)."
    )


def test_why_this_mix_in_korean_and_english():
    """The lines the CLI and the report print; English is what the run stored."""
    from gigafactory.summary import why_this_mix

    site = stored_site("korea-southwest")
    assert why_this_mix(site.marginals, "en") == site.marginals.text
    assert why_this_mix(site.marginals, "ko") == [
        "해상풍력: 0.9 MW 구축, 최적점(1 MW 더하거나 빼면 비용 증가); 1기(15 MW) 미만: 사업이 "
        "아니라 한계선으로 읽을 것",
        "고정식 태양광: 272.8 MW 구축, 최적점(1 MW 더하거나 빼면 비용 증가)",
        "리튬이온 배터리: 99.5 MW 구축, 최적점(1 MW 더하거나 빼면 비용 증가)",
        "jeonnam-wind-ppa: 35.0 MW 계약 체결, 최적화는 주어진 값으로 취급; 마지막 1 MW가 "
        "절감액보다 연 최대 190,052 USD 더 비쌈",
        "계통 연계: 1 MW 증설 시 연 최대 764,691 USD 절감",
    ]
    ulsan = stored_site("korea-ulsan")
    assert why_this_mix(ulsan.marginals, "en") == ulsan.marginals.text
    assert why_this_mix(ulsan.marginals, "ko")[1:3] == [
        "부유식 해상풍력: 미구축; 진입하려면 3,134 USD/kW 미만이어야 함 (현재 10,107 USD/kW)",
        "리튬이온 배터리: 미구축; 한계선: 비용이 조금만 낮아도 진입 (현재 165 USD/kWh)",
    ]
    for preset in ("pine-island", "memphis-gas", "korea-pohang", "colossus"):
        stored = stored_site(preset).marginals
        assert why_this_mix(stored, "en") == stored.text, preset


def test_report_in_both_languages():
    results = gigafactory.run(scenario_from_dict(small_scenario()))
    english = gigafactory.report_html(results)
    korean = gigafactory.report_html(results, lang="ko")
    assert '<html lang="en">' in english and not HANGUL.search(english.split("</script>")[-1])
    assert '<html lang="ko">' in korean
    for text in ("연간 총비용", "가정", "이 구성의 이유", "최소 비용 구성은"):
        assert text in korean, text
    assert "least cost is" not in korean
    titles = [f.layout.title.text for f in gigafactory.figures(results, lang="ko")["campus"]]
    peak = results.summary.sites[0].peak_load_mw
    assert titles[0] == f"campus: 구축 설비 (최대 부하 {peak:,.1f} MW)"
    assert "campus: 지속 곡선" in titles


def test_cli_lang_for_run_and_a_bad_language(write_yaml, tmp_path):
    path = str(write_yaml(small_scenario()))
    out = tmp_path / "o"
    result = runner.invoke(app, ["--lang", "ko", "run", path, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "연간 총비용" in result.stdout and "최소 비용 구성은" in result.stdout
    assert '<html lang="ko">' in (out / "report.html").read_text(encoding="utf-8")
    assert f"결과 폴더: {out}" in result.stdout and "이 구성의 이유:" in result.stdout
    assert "설비 용량 " in result.stdout and "capacity " not in result.stdout
    validated = runner.invoke(app, ["--lang", "ko", "validate", path])
    assert validated.stdout == "정상: small (1 site)\n"
    # the error's own text stays English; its prefix and exit status follow the language
    wrong = runner.invoke(app, ["--lang", "ko", "run", "memphis-gaz"])
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "오류: 'memphis-gaz' is neither a file nor a preset; did you mean"
    )
    bad = runner.invoke(app, ["--lang", "fr", "presets"])
    assert bad.exit_code == 1
    assert bad.stderr == "error: --lang: 'fr' is not offered; choose one of: en, ko\n"


def test_notices_in_korean_and_english():
    from gigafactory.pipeline.aggregation import aggregation_notice, design_notice
    from gigafactory.summary import Aggregation, DesignOnYear, notice_text

    stressed = Aggregation(
        typical_periods=57,
        period_hours=24,
        stress_days=1,
        cost_error_share=-0.0083,
        capacity_error_mw={"solar_fixed": 10.0, "liion_4h": -2.0},
    )
    note = aggregation_notice(stressed)
    assert (
        notice_text(note, "en")
        == note.text
        == (
            "solved on 57 typical periods of 24 h standing for the year (time.aggregation; 1 of "
            "them stress days, which a first design could not serve); against the year in full: "
            "cost -0.83%, solar_fixed +10.0 MW"
        )
    )
    assert notice_text(note, "ko") == (
        "24시간 대표 기간 57개로 1년을 대신해 풀이 (time.aggregation; 그중 1일은 첫 설계가 "
        "공급하지 못한 스트레스 일); 전체 연도 대비: 비용 -0.83%, 고정식 태양광 +10.0 MW"
    )
    plain = Aggregation(typical_periods=34, period_hours=24)
    for aggregation, years in [(plain, 1), (stressed, 3), (plain, 3)]:
        korean = notice_text(aggregation_notice(aggregation, years), "ko")
        assert HANGUL.search(korean) and "{" not in korean, korean
    # what the design does on the year in full: each case, for a year and weather years
    costs = DesignOnYear(regret_share=0.0034)
    assert notice_text(design_notice(costs), "ko") == (
        "용량을 고정한 이 설계를 1년 전체에 걸쳐 운전하면 비용은 전체 연도 최적 대비 +0.34%"
    )
    short = DesignOnYear(regret_share=-0.003, unserved_mwh=118.0, unserved_hours=3)
    missed = DesignOnYear(infeasible="the load can be met, but not within the 4 h ride-through")
    below = DesignOnYear(regret_share=0.0013, cfe_reach=0.89986)
    assert notice_text(design_notice(below, cfe_target=0.9), "ko") == (
        "용량을 고정한 이 설계를 1년 전체에 걸쳐 운전하면 시간별 무탄소 전력이 최대 89.99%로 "
        "목표 90%에 못 미침; 그 수준으로 운전한 비용은 전체 연도 최적 대비 +0.13%"
    )
    for design, firm in [
        (costs, True),
        (short, True),
        (short, False),
        (missed, True),
        (below, True),
    ]:
        for years in (1, 3):
            korean = notice_text(design_notice(design, years, firm, 0.9), "ko")
            assert HANGUL.search(korean) and "{" not in korean, korean
    # a run's own notices: 60 MWh a day short behind a 40 MW feed and 5 MW of gas
    data = small_scenario(
        grid={"import_cap_mw": 40}, technologies={"gas_ct": {"max_mw": 5}}, cooling="air_economiser"
    )
    data["reliability"] = {"allow_unserved": True}
    summary = gigafactory.run(scenario_from_dict(data)).summary
    (warning,) = [n for n in summary.warnings if n.level == "warning"]
    assert warning.template.startswith("{site}: {mwh} MWh unserved in {hours} hours")
    assert notice_text(warning, "ko").startswith(
        f"campus: {warning.values['hours']}시간 동안 {warning.values['mwh']} MWh 미공급"
    )
    for notice in summary.warnings:
        assert notice.template and HANGUL.search(notice_text(notice, "ko")), notice.text


def test_cost_variant_notes_in_korean():
    # Korean prices lack an installed Li-ion row (catalog audit): the turnkey one is used
    data = small_scenario(technologies={"solar_fixed": {"max_mw": 200}, "liion_4h": {}})
    data["costs"] = {"region": "KR"}
    summary = gigafactory.run(scenario_from_dict(data)).summary
    (note,) = [n for n in summary.warnings if "cost variant" in n.template]
    assert note.text == (
        "campus: cost variant: liion_4h capex, capex_energy: no installed price, the turnkey "
        "one is used"
    )
    assert notice_text(note, "ko") == (
        "campus: 비용 변형: 리튬이온 배터리의 capex, capex_energy에 installed 가격이 없어 "
        "turnkey 가격을 사용"
    )
