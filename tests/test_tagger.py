"""The trained health tagger (``ekspertrapport.lint.tagger``, rule ``health.description``) and its training."""

from __future__ import annotations

import argparse
import gzip
import json
import threading

import numpy as np
import pytest

from ekspertrapport.errors import EkspertrapportError
from ekspertrapport.lint.morphology import tokenize
from ekspertrapport.lint.recognizers import health
from ekspertrapport.lint.recognizers.health import HealthRecognizer
from ekspertrapport.lint.tagger import HealthTagger, model_path, read_model, sentence_ids

SENTENCES = [
    "«Det er som å ha votter på hele tiden», sier hun.",
    "Ho seier at hjartet rasar.\nTiltak: arbeidsgjevar avtalar faste pausar innan 1. mars.",
    "Han kan ikke løfte mer enn ti kilo! Han trenger hjelp med tunge kasser.",
    "| Tiltak | Ansvar | Frist |",
    "Pulsen går rett i taket når telefonen ringer, sier hun; hun har gått ned sju kilo.",
]


def _records() -> list[dict]:
    return [{"text": t, "malform": "nb", "spans": []} for t in SENTENCES]


def _word_info():
    return HealthRecognizer().tagger_word_info()


def test_runtime_scores_equal_the_training_representation():
    """The tagger's cached per-word contributions give exactly the score of the training features."""
    from ekspertrapport.models import train_health as th

    featurized = [th.Featurizer().record(r) for r in _records()]
    vocab = th.build_vocab(featurized, min_count=1)
    weights = np.random.default_rng(7).normal(size=len(vocab))
    weights[0] = 0.0
    matrix = th.Matrix(featurized, vocab)
    z_train = weights[matrix.T].sum(1) + weights[matrix.S].sum(1)[matrix.sent_of] + 0.25
    tagger = HealthTagger({f: float(weights[i]) for f, i in vocab.items() if i}, 0.25, 0.5, _word_info())
    z_run = []
    for text in SENTENCES:
        p = tagger.probabilities(text, tokenize(text))
        z_run.extend(np.log(p / (1 - p)))
    assert len(z_run) == len(z_train)
    assert np.allclose(np.clip(z_train, -30, 30), z_run, atol=1e-6)


def test_sentence_ids_split_at_sentence_ends_and_line_breaks():
    text = "Han er sliten. Hun er glad\nTiltak: pauser! Ferdig"
    ids = sentence_ids(text, tokenize(text)).tolist()
    words = tokenize(text).lowers
    assert dict(zip(words, ids)) == {"han": 0, "er": 1, "sliten": 0, ".": 0, "hun": 1, "glad": 1, "tiltak": 2,
                                      ":": 2, "pauser": 2, "!": 2, "ferdig": 3}


def _tagger(weights: dict[str, float], threshold: float = 0.8, extend: float | None = None) -> HealthTagger:
    return HealthTagger(weights, -5.0, threshold, lambda w: ((), None), extend)


def test_spans_start_at_the_threshold_and_extend_over_likely_neighbours():
    text = "Hun har votter på hele tiden , sier hun ."
    tokens = tokenize(text)
    # "votter" itself is very likely; its right-hand neighbours are a little likely
    weights = {"w|w=votter": 12.0, "l1|w=votter": 4.6, "l2|w=votter": 4.6}
    tagger = _tagger(weights, threshold=0.9, extend=0.4)
    spans = tagger.spans(text, tokens)
    assert [(tokens[s.first].text, tokens[s.last].text) for s in spans] == [("votter", "hele")]
    assert spans[0].probability > 0.99
    # without extension only the token itself
    only = tagger.spans(text, tokens, extend=0.9)
    assert [(tokens[s.first].text, tokens[s.last].text) for s in only] == [("votter", "votter")]
    # a threshold above every probability gives nothing
    assert tagger.spans(text, tokens, threshold=0.9999999) == []


def test_spans_never_start_or_end_on_punctuation():
    text = "« votter » ."
    tokens = tokenize(text)
    tagger = _tagger({"w|w=votter": 12.0, "w|sh=p": 12.0}, threshold=0.9)
    spans = tagger.spans(text, tokens)
    assert [(tokens[s.first].text, tokens[s.last].text) for s in spans] == [("votter", "votter")]


def test_recognizer_leaves_what_the_lexicons_decided_to_the_lexicons(monkeypatch):
    """The tagger adds nothing where the lexicon found or rejected a word ("infeksjonen i nettverket")."""
    recognizer = HealthRecognizer()
    flagged = {"w|w=infeksjonen": 12.0, "w|w=votter": 12.0}
    tagger = HealthTagger(flagged, -5.0, 0.8, recognizer.tagger_word_info())
    monkeypatch.setitem(health._TAGGERS, HealthRecognizer, (recognizer.group, tagger))
    text = "Han ledet arbeidet etter infeksjonen i nettverket. Hun sier hun går med votter på."
    rules = {(text[s:e], rule) for s, e, rule, _ in recognizer.find(text)}
    assert ("votter", "health.description") in rules
    assert not any("infeksjon" in span for span, _ in rules)


def test_shipped_model_loads_and_flags_through_the_linter(linter):
    data = read_model(model_path())
    assert 0.5 <= data["threshold"] < 1 and len(data["weights"]) > 1_000
    # trained only on sets we may tune on
    from ekspertrapport.models import train_health as th

    assert not set(data["training"]["sets"]) & th.HELD_OUT
    text = "Hun sier at pulsen galopperer når telefonen ringer."
    found = [f for f in linter.lint_text(text) if f.rule == "health.description"]
    assert [(text[f.start:f.end], f.severity) for f in found] == [("pulsen galopperer", "warning")]
    assert found[0].message and found[0].suggestion


def test_shipped_model_is_trained_on_the_current_health_lexicon():
    """The word features come from the health lexicon: after a lexicon change, retrain the model
    (``python -m ekspertrapport.models.train_health``, deterministic, a few seconds)."""
    from ekspertrapport.lint.tagger import lexicon_fingerprint

    assert read_model(model_path())["lexicon_sha256"] == lexicon_fingerprint(), (
        "the health lexicon changed since the tagger was trained: run python -m ekspertrapport.models.train_health"
    )


def test_model_for_another_context_width_is_refused(tmp_path):
    other = tmp_path / "other.json.gz"
    with gzip.open(other, "wt", encoding="utf-8") as fh:
        json.dump({"bias": 0, "threshold": 0.5, "weights": {}, "context": 5}, fh)
    with pytest.raises(EkspertrapportError, match="kunne ikke leses"):
        read_model(other)


def test_disabled_rule_is_not_reported(linter, tmp_path):
    from ekspertrapport.lint.config import LintConfig

    text = "Hun sier at pulsen galopperer når telefonen ringer."
    config = LintConfig(disable=["health.description"])
    assert not [f for f in linter.lint_text(text, config=config) if f.rule == "health.description"]


def test_missing_or_broken_model_is_a_clear_error(tmp_path):
    with pytest.raises(EkspertrapportError, match="helsemodellen mangler"):
        read_model(tmp_path / "borte.json.gz")
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(EkspertrapportError, match="kunne ikke leses"):
        read_model(broken)
    no_weights = tmp_path / "no_weights.json.gz"
    with gzip.open(no_weights, "wt", encoding="utf-8") as fh:
        json.dump({"bias": 0, "threshold": 0.5}, fh)
    with pytest.raises(EkspertrapportError, match="kunne ikke leses"):
        read_model(no_weights)


def test_threads_get_the_same_scores_as_one_thread():
    texts = [f"Arbeidstaker {n} sier at ordet{n} og hjertet{n} raser, og at kollega{n} hjelper." for n in range(60)]
    alone = HealthTagger(read_model(model_path())["weights"], -1.0, 0.8, _word_info())
    expected = [alone.probabilities(t, tokenize(t)).tolist() for t in texts]
    shared = HealthTagger(read_model(model_path())["weights"], -1.0, 0.8, _word_info())
    results: dict[int, list[float]] = {}

    def work(k: int) -> None:
        for n in range(k, len(texts), 4):
            results[n] = shared.probabilities(texts[n], tokenize(texts[n])).tolist()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[n] for n in range(len(texts))] == expected


def test_training_learns_and_is_deterministic():
    """Full-batch training is deterministic and separates a word seen only in health spans."""
    from ekspertrapport.models import train_health as th

    records = []
    for n in range(30):
        text = f"Hun sier at det knirker{n % 3} i kneet, og at møtet var fint."
        start = text.index("det knirker")
        records.append({"text": text, "malform": "nb",
                        "spans": [{"start": start, "end": start + len(f"det knirker{n % 3} i kneet"),
                                   "category": "health"}]})
        records.append({"text": f"Han sier at møtet var fint nummer {n % 3}.", "malform": "nb", "spans": []})
    feat = th.Featurizer()
    featurized = [feat.record(r) for r in records]
    args = argparse.Namespace(steps=150, lr=0.1, l2=1e-4, pos_weight=1.0, min_count=1, prune=0.0)
    first = th.fit(featurized, args)
    assert th.fit(featurized, args) == first
    tagger = th.make_tagger(*first, 0.5)
    text = "Hun sier at det knirker1 i kneet."
    probs = dict(zip(tokenize(text).lowers, tagger.probabilities(text, tokenize(text))))
    assert probs["knirker1"] > 0.9 and probs["hun"] < 0.1


def test_training_refuses_held_out_sets():
    from ekspertrapport.models import train_health as th

    for name in ("test", "blind-b", "blind-f"):
        with pytest.raises(SystemExit, match="held out"):
            th.load_set(name)


def test_training_holds_out_every_set_the_scorer_holds_out(repo_root):
    """``eval/blind/score.py`` refuses to show errors of its held-out sets; the tagger must not train on them."""
    import ast

    from ekspertrapport.models import train_health as th

    tree = ast.parse((repo_root / "eval" / "blind" / "score.py").read_text(encoding="utf-8"))
    held_out = next(
        ast.literal_eval(node.value.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "HELD_OUT" for t in node.targets)
    )
    assert held_out and held_out <= th.HELD_OUT
    assert not held_out & set(th.TRAIN_SETS)
