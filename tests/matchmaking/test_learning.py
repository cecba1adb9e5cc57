import json

import pytest
from django.core.management import call_command

from matchmaking.models import Outcome, RankerModel
from matchmaking.ranking.evaluation import mrr_at_k, ndcg_at_k, recall_at_k


def test_metrics_on_a_known_ranking():
    relevance = {"a": 3, "b": 0, "c": 1}
    assert ndcg_at_k(["a", "c", "b"], relevance) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "c", "a"], relevance) < ndcg_at_k(["a", "b", "c"], relevance)
    assert mrr_at_k(["b", "c", "a"], relevance) == pytest.approx(0.5)
    assert recall_at_k(["a", "x"], relevance, k=1) == pytest.approx(0.5)
    assert mrr_at_k(["x", "y"], relevance) == 0.0


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo")
    call_command(
        "load_demo",
        "--size",
        "600",
        "--briefs",
        "200",
        "--seed",
        "11",
        "--write-to",
        str(directory),
    )
    return directory


def evaluate(directory, out):
    call_command(
        "evaluate_ranker",
        "--vendors",
        str(directory / "vendors.jsonl"),
        "--briefs",
        str(directory / "briefs.jsonl"),
        "--outcomes",
        str(directory / "outcomes.jsonl"),
        "--json",
        str(out),
    )
    return json.loads(out.read_text())


@pytest.mark.django_db
def test_evaluation_is_reproducible_and_the_trained_ranker_beats_bm25(demo_files, tmp_path):
    first = evaluate(demo_files, tmp_path / "a.json")
    second = evaluate(demo_files, tmp_path / "b.json")
    assert first == second
    results = first["results"]
    assert set(results) == {"bm25", "prior", "trained"}
    assert results["trained"]["ndcg@10"] > results["bm25"]["ndcg@10"]
    assert results["trained"]["mrr@10"] > results["bm25"]["mrr@10"]


@pytest.mark.django_db(transaction=True)
def test_imported_outcomes_train_a_ranker_that_then_serves_matches(demo_files, capsys, tmp_path):
    call_command("import_vendors", str(demo_files / "vendors.jsonl"), "--quiet")
    call_command("import_briefs", str(demo_files / "briefs.jsonl"), "--quiet")
    call_command("import_outcomes", str(demo_files / "outcomes.jsonl"), "--quiet")
    assert Outcome.objects.count() > 1000
    call_command("train_ranker", "--seed", "0")
    model = RankerModel.objects.get()
    metrics = model.metrics
    assert model.promoted == (metrics["candidate"]["ndcg@10"] >= metrics["current"]["ndcg@10"])
    assert model.parameters["kind"] == "learned" and len(model.parameters["coef"]) == 18
    # The same data as files gives the same figures (recall@50 included).
    evaluated = evaluate(demo_files, tmp_path / "e.json")["results"]
    assert metrics == {
        "bm25": evaluated["bm25"],
        "current": evaluated["prior"],
        "candidate": evaluated["trained"],
    }
    model.promoted = True  # as if it had won: the promoted model serves matches
    model.save()
    capsys.readouterr()
    call_command("match", "b-00001", "--limit", "3")
    assert json.loads(capsys.readouterr().out)["meta"]["ranker"] == f"learned v{model.pk}"


@pytest.mark.django_db
def test_outcomes_for_unknown_briefs_or_vendors_are_rejected_by_line(tmp_path, capsys, vendor):
    bad = tmp_path / "o.jsonl"
    bad.write_text(
        '{"brief": "nope", "vendor": "x", "outcome": "won"}\n{"brief": "b", "vendor": "v", "outcome": "maybe"}\n'
    )
    call_command("import_outcomes", str(bad), "--quiet")
    printed = capsys.readouterr().out
    assert "line 1" in printed and "unknown brief 'nope'" in printed
    assert "line 2" in printed and "outcome" in printed
    assert not Outcome.objects.exists()


@pytest.mark.django_db
def test_evaluation_works_on_sparse_foreign_data(tmp_path):
    vendors = [
        {
            "external_id": f"v{n}",
            "name": f"Firm {n}",
            "country": ["IN", "EG", "VN", "PK"][n % 4],
            "technologies": [["Django"], ["Flutter"], ["SAP"]][n % 3],
        }
        for n in range(12)
    ]
    briefs = [
        {
            "external_id": f"b{n}",
            "title": ["Django portal", "Flutter app", "SAP rollout"][n % 3],
            "technologies": [["Django"], ["Flutter"], ["SAP"]][n % 3],
            "budget": {"max": 2_000_000, "currency": "JPY"}
            if n % 2
            else {"max": 40_000, "currency": "CHF"},
            "buyer": {"external_id": f"buyer{n}", "country": "JP" if n % 2 else "CH"},
            "published_at": f"2026-0{1 + n // 3}-10",
        }
        for n in range(9)
    ]
    outcomes = [
        {"brief": f"b{n}", "vendor": f"v{v}", "outcome": "won" if v % 3 == n % 3 else "rejected"}
        for n in range(9)
        for v in range(0, 12, 2)
    ]
    for name, rows in (("vendors", vendors), ("briefs", briefs), ("outcomes", outcomes)):
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    results = evaluate(tmp_path, tmp_path / "out.json")
    assert results["test_briefs"] >= 1 and results["training_pairs"] > 0
    assert set(results["results"]) == {"bm25", "prior", "trained"}
    assert results["results"]["trained"]["ndcg@10"] > 0


def test_position_bias_reports_the_positive_rate_by_shown_rank():
    from matchmaking.learning import Label, position_bias

    labels = [
        Label("b", f"v{r}", grade, None, r)
        for r, grade in ((1, 3), (2, 1), (3, 0), (5, 1), (6, 0), (12, 0), (30, 2))
    ] + [Label("b", "x", 1, None, None)]
    report = {row["ranks"]: (row["pairs"], row["positive_rate"]) for row in position_bias(labels)}
    assert report == {"1-3": (3, 0.6667), "4-10": (2, 0.5), "11-20": (1, 0.0), "21+": (1, 1.0)}


@pytest.mark.django_db(transaction=True)
def test_officers_decisions_become_training_data_and_are_evaluated(demo_files, tmp_path, capsys):
    """Outcomes are imported for most briefs; officers decide the rest through the
    curation services (approving what the demo's hidden fit liked); train_ranker trains
    on the decisions and evaluate_ranker reads them back from an export."""
    from accounts.services import user_create
    from buyers.models import Brief
    from matchmaking import curation
    from matchmaking.models import Match

    lines = (demo_files / "outcomes.jsonl").read_text().splitlines()
    truth = {(o["brief"], o["vendor"]): o["outcome"] for o in map(json.loads, lines)}
    decided_by_officers = {f"b-{n:05d}" for n in range(1, 41)}
    imported = tmp_path / "imported.jsonl"
    imported.write_text(
        "".join(
            line + "\n" for line in lines if json.loads(line)["brief"] not in decided_by_officers
        )
    )
    call_command("import_vendors", str(demo_files / "vendors.jsonl"), "--quiet")
    call_command("import_briefs", str(demo_files / "briefs.jsonl"), "--quiet")
    call_command("import_outcomes", str(imported), "--quiet")
    capsys.readouterr()
    call_command("train_ranker", "--dry-run")
    before = capsys.readouterr().out

    officer = user_create(username="officer-a", password="pw-for-tests-1", role="officer")
    for brief in Brief.objects.filter(external_id__in=decided_by_officers).order_by("external_id"):
        for match in Match.objects.filter(brief=brief).select_related("brief", "vendor"):
            liked = truth.get((brief.external_id, match.vendor.external_id)) not in (
                None,
                "rejected",
                "suggested",
            )
            if liked:
                curation.match_approve(match=match, actor=officer, version=match.version)
            else:
                curation.match_reject(
                    match=match, actor=officer, version=match.version, reason="poor_fit"
                )
    decided = Outcome.objects.filter(brief__external_id__in=decided_by_officers)
    assert (
        decided.count()
        == Match.objects.filter(brief__external_id__in=decided_by_officers).count()
        > 0
    )
    assert (
        decided.filter(outcome="approved").exists() and decided.filter(outcome="rejected").exists()
    )
    assert not decided.filter(rank__isnull=True).exists()  # stored with the rank the officer saw

    call_command("train_ranker", "--dry-run")
    after = capsys.readouterr().out
    pairs = lambda out: int(out.split(" training pairs")[0].replace(",", "").split()[-1])  # noqa: E731

    def briefs(out):
        return int(out.split("training pairs from ")[1].split()[0]) + int(
            out.split("; ")[1].split()[0]
        )

    curated = (
        Match.objects.filter(brief__external_id__in=decided_by_officers)
        .values("brief")
        .distinct()
        .count()
    )
    assert briefs(after) - briefs(before) == curated  # every curated brief is labelled now
    assert pairs(after) >= pairs(before)

    for command, name in (
        ("export_vendors", "vendors"),
        ("export_briefs", "briefs"),
        ("export_outcomes", "outcomes"),
    ):
        call_command(command, str(tmp_path / f"{name}.jsonl"))
    exported = [json.loads(line) for line in (tmp_path / "outcomes.jsonl").read_text().splitlines()]
    assert any(o["brief"] in decided_by_officers and o.get("rank") for o in exported)
    results = evaluate(tmp_path, tmp_path / "after.json")
    assert set(results["results"]) == {"bm25", "prior", "trained"}
    assert results["train_briefs"] + results["test_briefs"] == briefs(after)
