"""Stage-1 retrieval judged on real award data walk-forward, on the engine that serves:
the replay retrieves from a throw-away index of the configured engine."""

import pytest

from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.embedded import EmbeddedBackend
from search.loading import get_search_backend, scratch_search_backend
from tests.awards import UK_DEV, evaluate


@pytest.mark.django_db
def test_stage_one_reaches_plain_bm25_on_real_awards_walk_forward(configured_backend, tmp_path):
    """Pooled over four folds of the UK awards, stage 1 alone ranks the winner at
    least as well as a plain BM25 over whole profiles (MRR@10) and finds it in its top
    50 at least as often (recall@50), on both engines (docs/ranking.md)."""
    pooled = evaluate(UK_DEV, tmp_path / "uk.json", "--walk-forward", "4")["pooled"]
    for metric in ("mrr@10", "recall@50"):
        assert pooled["stage1"][metric] >= pooled["bm25"][metric], metric


def test_a_scratch_index_is_the_configured_engine_and_is_gone_afterwards(configured_backend):
    with scratch_search_backend() as scratch:
        assert type(scratch) is type(get_search_backend())
        scratch.index_documents([{"id": "f1", "version": 1, "name": "Scratch Works"}])
        assert scratch.count() == 1
        assert configured_backend.count() == 0  # not the serving index
    if isinstance(scratch, EmbeddedBackend):
        assert not scratch.root.exists()
    else:
        assert isinstance(scratch, ElasticsearchBackend)
        assert not scratch._physical()  # its indexes deleted
