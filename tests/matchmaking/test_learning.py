import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.models import Outcome, RankerModel
from matchmaking.ranking.evaluation import mrr_at_k, ndcg_at_k, recall_at_k
from matchmaking.ranking.features import FEATURES
from matchmaking.training.learning import split
from tests.awards import UK_DEV, evaluate
from tests.factories import vendor_row


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


@pytest.mark.django_db
def test_evaluation_is_reproducible_and_the_trained_ranker_beats_bm25(demo_files, tmp_path):
    first = evaluate(demo_files, tmp_path / "a.json")
    second = evaluate(demo_files, tmp_path / "b.json")
    assert first == second
    results = first["results"]
    assert set(results) == {"bm25", "stage1", "default", "trained"}
    assert results["trained"]["ndcg@10"] > results["bm25"]["ndcg@10"]
    assert results["trained"]["mrr@10"] > results["bm25"]["mrr@10"]
    for metrics in results.values():
        for metric in ("ndcg@10", "mrr@10", "recall@10", "recall@50"):
            low, high = metrics["ci95"][metric]
            assert low <= metrics[metric] <= high and low < high


@pytest.mark.django_db(transaction=True)
def test_imported_outcomes_train_a_ranker_that_then_serves_matches(demo_files, capsys, tmp_path):
    call_command("import_vendors", str(demo_files / "vendors.jsonl"), "--quiet")
    call_command("import_briefs", str(demo_files / "briefs.jsonl"), "--quiet")
    call_command("import_outcomes", str(demo_files / "outcomes.jsonl"), "--quiet")
    assert Outcome.objects.count() > 1000
    call_command("train_ranker", "--seed", "0")
    model = RankerModel.objects.get()
    metrics = model.metrics
    assert model.promoted == (metrics["candidate"]["mrr@10"] > metrics["current"]["mrr@10"])
    assert model.parameters["kind"] == "learned"
    assert len(model.parameters["coef"]) == len(FEATURES)
    # The same data as files gives the same walk-forward figures (recall@50 included),
    # up to the fitting's float arithmetic: the database and the files list the same
    # rows in another order, which can flip a near-tie of the trained model's scores.
    evaluated = evaluate(demo_files, tmp_path / "e.json", "--walk-forward", "3")["pooled"]
    pairs = {"bm25": "bm25", "stage1": "stage1", "current": "default", "candidate": "trained"}
    assert set(metrics) == set(pairs)
    for saved, printed in pairs.items():
        for metric in ("ndcg@10", "mrr@10", "recall@10", "recall@50"):
            expected = evaluated[printed][metric]
            assert metrics[saved][metric] == pytest.approx(expected, abs=2e-3), (saved, metric)
        assert metrics[saved]["briefs"] == evaluated[printed]["briefs"]
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
    with pytest.raises(CommandError, match="2 lines rejected"):
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
    assert set(results["results"]) == {"bm25", "stage1", "default", "trained"}
    assert results["results"]["trained"]["ndcg@10"] > 0


def test_position_bias_reports_the_positive_rate_by_shown_rank():
    from matchmaking.training.learning import Label, position_bias

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
    from matchmaking.curation import decisions
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
                decisions.match_approve(match=match, actor=officer, version=match.version)
            else:
                decisions.match_reject(
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

    def pairs(out):  # of the last fold, which trains on the most
        return int(
            out.rsplit("briefs decided before ", 1)[1].split("(")[1].split()[0].replace(",", "")
        )

    def briefs(out):  # judged over all folds
        return int(out.split("pooled over")[1].split("\n")[2].split()[-1])

    assert briefs(after) > briefs(before) or pairs(after) > pairs(before)  # curated briefs count

    for command, name in (
        ("export_vendors", "vendors"),
        ("export_briefs", "briefs"),
        ("export_outcomes", "outcomes"),
    ):
        call_command(command, str(tmp_path / f"{name}.jsonl"))
    exported = [json.loads(line) for line in (tmp_path / "outcomes.jsonl").read_text().splitlines()]
    assert any(o["brief"] in decided_by_officers and o.get("rank") for o in exported)
    results = evaluate(tmp_path, tmp_path / "after.json", "--walk-forward", "3")
    assert set(results["pooled"]) == {"bm25", "stage1", "default", "trained"}
    assert results["pooled"]["trained"]["briefs"] == briefs(after)


def import_files(directory):
    """Import a directory's vendors, briefs and outcomes files, as a trade body would."""
    for name in ("vendors", "briefs", "outcomes"):
        call_command(f"import_{name}", str(directory / f"{name}.jsonl"), "--quiet")


@pytest.mark.django_db(transaction=True)
def test_what_evaluation_scores_is_what_match_serves(demo_files, capsys):
    """The replay that evaluate_ranker and train_ranker score ranks a brief exactly as
    ``match`` serves it from the same history (budget filter, requirements first,
    diversity and the exposure floor included), stage 1 too: briefs published after
    every recorded outcome and in a later year than every dated project (a project
    known only by its year counts from the next 1 January, so for a brief of this year
    the replay hides this year's projects that the live profile shows), asking what
    labelled briefs asked, so nothing the replay hides is known."""
    from django.conf import settings as django_settings

    from buyers.models import Brief
    from matchmaking.matching.selectors import VENDOR_COLUMNS
    from matchmaking.matching.services import active_ranker, retrieve_candidates
    from matchmaking.training.learning import Candidates
    from matchmaking.training.replay import Replay
    from search.documents import DOCUMENT_COLUMNS
    from tests.factories import make_brief
    from vendors.models import Vendor

    import_files(demo_files)
    call_command("train_ranker", "--seed", "0")
    RankerModel.objects.update(promoted=True)  # the trained model serves
    # The demo records outcomes up to a few weeks ahead: the new briefs come after all.
    latest = Outcome.objects.exclude(decided_at=None).order_by("-decided_at")[0].decided_at
    assert latest is not None
    after_all = date(max(latest, timezone.localdate()).year + 1, 1, 2).isoformat()
    asked = Brief.objects.select_related("buyer").order_by("external_id")[:6]
    new = [
        make_brief(
            brief.buyer,
            external_id=f"new-{n}",
            title=brief.title,
            description=brief.description,
            services=brief.services,
            technologies=brief.technologies,
            required_certifications=brief.required_certifications,
            languages=brief.languages,
            published_at=after_all,
        )
        for n, brief in enumerate(asked)
    ]
    served = {}
    for brief in new:
        capsys.readouterr()
        call_command("match", brief.external_id, "--limit", "10")
        shown = json.loads(capsys.readouterr().out)
        assert shown["meta"]["ranker"].startswith("learned")
        served[brief.external_id] = [m["vendor"]["external_id"] for m in shown["matches"]]
    rows = Outcome.objects.values_list(
        "brief__external_id", "vendor__external_id", "outcome", "decided_at", "rank", "value_usd"
    )
    columns = sorted({*DOCUMENT_COLUMNS, *VENDOR_COLUMNS})
    replay = Replay(
        Vendor.objects.values(*columns),
        Brief.all_objects.select_related("buyer"),
        list(rows),
        progress=io.StringIO(),
    )
    ranker = active_ranker().ranker
    replay.replay_retrieval(set(served))
    for brief_id, page in served.items():
        # Stage 1 from the replay's own index of the day (a scratch index of the
        # serving engine) gives the candidates the served index gives, scores too; of
        # the firms tied with the last one kept, either index may keep any.
        retrieved = replay.retrieve(brief_id)
        live = retrieve_candidates(Brief.objects.get(external_id=brief_id))
        cut = live[-1][1]
        assert [c for c in retrieved if c[1] > cut] == [c for c in live if c[1] > cut]
        scored = Candidates(
            replay.briefs[brief_id],
            replay.vendors,
            retrieved,
            floor=django_settings.RAABTA_EXPOSURE_FLOOR,
        )
        assert len(page) == 10
        assert scored.ranked(ranker, page=10)[:10] == page, brief_id


def write_history(directory, *, briefs: int, outcome_of):
    """A small wins-style marketplace: 12 firms over three services, ``briefs`` briefs a
    week apart, outcomes from ``outcome_of(n, vendor)`` (None: no line)."""
    services = ["User Research", "Delivery Management", "Data Engineering"]
    vendors = [
        {
            "external_id": f"v{n}",
            "name": f"Firm {n}",
            "country": "GB",
            "services": [services[n % 3]],
            "description": f"Supplier of {services[n % 3]}",
        }
        for n in range(12)
    ]
    brief_rows = [
        {
            "external_id": f"b{n}",
            "title": f"{services[n % 3]} for department {n % 4}",
            "services": [services[n % 3]],
            "buyer": {"external_id": f"dept{n % 4}.gov.uk", "name": f"Department {n % 4}"},
            "published_at": (date(2026, 1, 5) + timedelta(weeks=n)).isoformat(),
        }
        for n in range(briefs)
    ]
    outcomes = []
    for n in range(briefs):
        for v in range(12):
            stage = outcome_of(n, v)
            if stage:
                day = date(2026, 1, 5) + timedelta(weeks=n, days=10)
                outcomes.append(
                    {
                        "brief": f"b{n}",
                        "vendor": f"v{v}",
                        "outcome": stage,
                        "decided_at": day.isoformat(),
                    }
                )
    for name, rows in (("vendors", vendors), ("briefs", brief_rows), ("outcomes", outcomes)):
        (directory / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return directory


def returning_winner(n: int, v: int) -> str | None:
    """Each department keeps going back to one firm of the brief's service."""
    return "won" if v == (n % 3) + 3 * (n % 4 % 2) else None


@pytest.mark.django_db
def test_a_wins_only_history_trains_on_implicit_negatives(tmp_path):
    write_history(tmp_path, briefs=30, outcome_of=returning_winner)
    summary = evaluate(tmp_path, tmp_path / "out.json")
    assert summary["not_trained"] is None
    assert summary["implicit_negatives"] > 0
    assert summary["training_pairs"] == summary["implicit_negatives"] + summary["train_briefs"]
    results = summary["results"]
    assert set(results) == {"bm25", "stage1", "default", "trained"}
    # The returning buyer is the signal BM25 cannot see; the trained ranker learns it.
    assert results["trained"]["mrr@10"] > results["bm25"]["mrr@10"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome_of",
    [
        lambda n, v: "won" if v == n % 12 and n < 3 else None,  # three wins
        lambda n, v: "rejected" if v < 3 else None,  # only rejections
        lambda n, v: "approved" if v == 0 else None,  # only positives, no winner
    ],
    ids=["too-few-wins", "rejections-only", "positives-only"],
)
def test_too_little_to_learn_from_is_said_plainly(tmp_path, capsys, outcome_of):
    write_history(tmp_path, briefs=12, outcome_of=outcome_of)
    summary = evaluate(tmp_path, tmp_path / "out.json")
    assert "too little to learn from" in summary["not_trained"]
    assert "trained" not in summary["results"] and "bm25" in summary["results"]
    assert "No ranker trained: too little to learn from" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_train_ranker_judges_walk_forward_on_wins_only_and_on_too_little(tmp_path, capsys):
    write_history(tmp_path, briefs=30, outcome_of=returning_winner)
    import_files(tmp_path)
    capsys.readouterr()
    call_command("train_ranker", "--walk-forward", "2")
    out = capsys.readouterr().out
    model = RankerModel.objects.get()
    assert "fold 1:" in out and "fold 2:" in out and "pooled over 2 folds" in out
    assert "bm25" in out and "candidate" in out and "[" in out  # intervals printed
    assert model.promoted == (
        model.metrics["candidate"]["mrr@10"] > model.metrics["current"]["mrr@10"]
    )
    assert "walk-forward over 2 folds" in model.note
    with pytest.raises(CommandError, match="at least 1 fold"):
        call_command("train_ranker", "--walk-forward", "0")
    Outcome.objects.exclude(brief__external_id__in=["b0", "b1", "b29"]).delete()
    with pytest.raises(CommandError, match="nothing trained"):
        call_command("train_ranker", "--walk-forward", "2")
    assert RankerModel.objects.count() == 1


def write_shifting_history(directory):
    """48 weekly briefs over three services and 48 firms. In the first third, buyers
    pick one of four highly rated firms whatever the brief says; afterwards they pick
    the unrated firm whose specialism the brief names."""
    services = ["User Research", "Delivery Management", "Data Engineering"]
    topics = [
        "fisheries",
        "aviation",
        "pensions",
        "forestry",
        "tidal",
        "railways",
        "libraries",
        "vaccines",
    ]
    topics += [
        "harbours",
        "museums",
        "prisons",
        "weather",
        "lottery",
        "bridges",
        "archives",
        "satellites",
    ]
    vendors = [
        {
            "external_id": f"v{j * 3 + s}",
            "name": f"Firm {j * 3 + s}",
            "country": "GB",
            "services": [services[s]],
            "description": f"Supplier of {services[s]}, specialists in {topics[j]}",
            **({"rating": {"average": 4.9, "count": 80}} if j < 4 else {}),
        }
        for j in range(16)
        for s in range(3)
    ]
    briefs, outcomes = [], []
    for n in range(48):
        service, dept = n % 3, n % 4
        day = date(2026, 1, 5) + timedelta(weeks=n)
        firm = (n // 3) % 4 if n < 16 else 4 + (n * 7) % 12
        title = f"{services[service]} for department {dept}"
        briefs.append(
            {
                "external_id": f"b{n}",
                "title": title if n < 16 else f"{title}: {topics[firm]}",
                "services": [services[service]],
                "buyer": {"external_id": f"dept{dept}.gov.uk", "name": f"Department {dept}"},
                "published_at": day.isoformat(),
            }
        )
        outcomes.append(
            {
                "brief": f"b{n}",
                "vendor": f"v{firm * 3 + service}",
                "outcome": "won",
                "decided_at": (day + timedelta(days=10)).isoformat(),
            }
        )
    for name, rows in (("vendors", vendors), ("briefs", briefs), ("outcomes", outcomes)):
        (directory / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.django_db(transaction=True)
def test_a_model_fitted_on_what_old_periods_rewarded_is_not_promoted(tmp_path, capsys):
    """The last fifth alone (the old gate's split) trains on both regimes and the
    candidate looks better there; walk-forward over the recent periods, the method
    loses to the serving prior in the fold that follows the change, and
    ``train_ranker`` keeps the prior."""
    write_shifting_history(tmp_path)
    one_split = evaluate(tmp_path, tmp_path / "split.json")["results"]
    assert one_split["trained"]["mrr@10"] > one_split["default"]["mrr@10"]
    import_files(tmp_path)
    capsys.readouterr()
    call_command("train_ranker", "--walk-forward", "2")
    out = capsys.readouterr().out
    model = RankerModel.objects.get()
    assert not model.promoted and "not promoted" in out
    assert model.metrics["candidate"]["mrr@10"] < model.metrics["current"]["mrr@10"]
    capsys.readouterr()
    call_command("match", "b47", "--limit", "3")
    assert json.loads(capsys.readouterr().out)["meta"]["ranker"] == "prior"


@pytest.mark.django_db
def test_replay_shows_each_brief_only_what_was_decided_before_it():
    """A firm's only link to a brief is a project it won *after* the brief was
    published: the replayed index and the features must not see it, while a brief
    published after that win does."""
    from buyers.models import Brief, Buyer
    from matchmaking.training.replay import Replay

    def row(external_id: str, description: str, portfolio=()):
        return vendor_row(
            external_id=external_id,
            name=external_id,
            description=description,
            country="GB",
            portfolio=list(portfolio),
            services=[],
            technologies=[],
            industries=[],
        )

    def brief(external_id: str, title: str, day: date) -> Brief:
        return Brief(
            external_id=external_id,
            title=title,
            description="",
            published_at=day,
            buyer=Buyer(external_id="dept.gov.uk", name="Dept"),
        )

    future = row(
        "future",
        "Consultancy",
        [{"title": "Zebrafish genome portal", "client": "Dept", "year": 2026}],
    )
    replay = Replay(
        [future, row("plain", "Zebrafish genome portal and other portals")],
        [
            brief("early", "Zebrafish genome portal", date(2026, 3, 1)),
            brief("won", "Zebrafish genome portal", date(2026, 2, 1)),
            brief("late", "Zebrafish genome portal", date(2026, 6, 1)),
        ],
        [("won", "future", "won", date(2026, 4, 1), None, None)],
    )
    replay.replay_retrieval({"early", "late", "won"})
    assert [v for v, _ in replay.retrieve("early")] == ["plain"]
    assert "future" in [v for v, _ in replay.retrieve("late")]
    early, late = (replay.briefs[b] for b in ("early", "late"))
    assert replay.vendors["future"].history_for(early) == ()
    assert len(replay.vendors["future"].history_for(late)) == 1
    # Training sees the early brief the same way.
    from matchmaking.training.learning import Label, training_set

    data = training_set(
        replay.briefs,
        replay.vendors,
        [Label("early", "future", 3, None, None)],
        replay.retrieve,
        {"early"},
    )
    assert data.X[0, FEATURES.index("history_best")] == 0.0
    assert data.X[0, FEATURES.index("same_buyer")] == 0.0
    # And evaluation (the features every ranker is scored on) sees it the same way.
    from matchmaking.training.learning import Candidates

    for brief_id, seen in (("early", 0.0), ("late", 0.5)):
        scored = Candidates(replay.briefs[brief_id], replay.vendors, [("future", 1.0)])
        assert scored.features is not None
        assert scored.features.matrix[0, FEATURES.index("same_buyer")] == seen


STAGES = ["approved", "rejected", "introduced", "meeting", "proposal", "won", "lost", "suggested"]


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    outcomes=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(STAGES)), max_size=60
    ),
    objective=st.sampled_from(["pointwise", "pairwise", "boosted"]),
)
def test_any_mix_of_outcomes_trains_or_says_why_not(tmp_path, outcomes, objective):
    from buyers.models import Brief, Buyer
    from matchmaking.training.replay import Replay

    rows = [
        vendor_row(
            external_id=f"v{n}",
            name=f"Firm {n}",
            description=f"apps and portals {n % 3}",
            services=["Web Development"],
        )
        for n in range(12)
    ]
    briefs = [
        Brief(
            external_id=f"b{n}",
            title=f"portal {n % 3}",
            description="",
            published_at=date(2026, 1, 1) + timedelta(days=9 * n),
            buyer=Buyer(external_id=f"buyer{n % 2}.example", name=f"Buyer {n % 2}"),
        )
        for n in range(12)
    ]
    history = [
        (f"b{b}", f"v{v}", stage, date(2026, 1, 1) + timedelta(days=9 * b + 5), None, None)
        for b, v, stage in outcomes
    ]
    replay = Replay(rows, briefs, history, progress=io.StringIO())
    train, test = split(replay.labels, replay.briefs, None)
    if not train or not test:
        return  # the commands refuse this before replaying (tested above)
    report = replay.run(None, objectives=[objective])
    assert (report.trained is None) == (report.not_trained is not None)
    assert {"bm25", "stage1", "default"} <= set(report.results)


@pytest.mark.django_db
def test_on_real_award_data_the_ranker_beats_plain_bm25_walk_forward(tmp_path):
    """Real UK Digital Marketplace awards (a copy of the shared data, Open Government
    Licence v3.0), judged walk-forward over four folds as pages are served: pooled, the
    trained ranker reaches at least 1.25x the plain BM25 reference's MRR@10 and is not
    worse than the default in any fold trained on 50 briefs or more, and the untrained
    default reaches the reference's MRR@10 as served (docs/ranking.md; stage 1 on both
    engines: tests/search/test_stage_one.py)."""
    summary = evaluate(UK_DEV, tmp_path / "uk.json", "--walk-forward", "4")
    assert len(summary["folds"]) == 4
    assert sum(r["briefs"] for r in (f["results"]["bm25"] for f in summary["folds"])) == 209
    pooled = summary["pooled"]
    assert pooled["trained"]["mrr@10"] >= 1.25 * pooled["bm25"]["mrr@10"]
    assert pooled["default"]["mrr@10"] >= pooled["bm25"]["mrr@10"]
    for fold in summary["folds"]:
        if fold["train_briefs"] >= 50:
            results = fold["results"]
            assert results["trained"]["mrr@10"] >= results["default"]["mrr@10"], fold["cutoff"]
