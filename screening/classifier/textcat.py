"""The trained layer's model architecture: a linear classifier over words and word pieces.

spaCy's own bag-of-words classifier reads the exact spelling (ORTH) of words and word pairs.
Ours reads them lower-cased, and adds each longer word's first five and last four letters, so
a word the corpus never had still counts by its parts: 'chemokuur' by 'chemo', 'insulinepomp'
by 'insul', 'antidepressiva' by 'antid' and 'siva'. It is as fast as the bag of words (a
CNN made the classifier ten times slower for no gain on held-out vacancies). Importing this
module registers the architecture, which loading a trained model needs.
"""

from __future__ import annotations

from functools import partial

from spacy.attrs import LOWER
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.pipeline import TextCategorizer
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted

NEG_VALUE = -5000
# Set on a model whose features come from a Doc's LOWER array alone (this architecture).
READS_LOWER_ONLY = "fairscreen_reads_lower_only"
# Words with at least this many letters also count by their first and last letters.
PIECE_FROM = 7
PREFIX, SUFFIX = 5, 4
# Lower-cased word -> its feature keys (see `_word`); words repeat, so this stays small, and
# it holds only hashes, never text.
_WORDS_MAX = 200_000


# Words that make a sentence about a person: the author, someone close, someone named.
PERSONAL = frozenset(
    "i i'm i've me my mine myself ik mij me mijn m'n he she his her him hij zij ze zijn z'n "
    "haar hem mum mom dad mother father brother sister wife husband son daughter partner "
    "moeder vader mama papa broer zus vrouw zoon dochter vriend vriendin collega colleague "
    "oma opa grandma grandpa neighbour buurman buurvrouw meneer mevrouw mr mrs ms dhr mevr "
    "friend mate".split()
)
_SENTENCE_ENDS = frozenset(".!?\n")


@registry.architectures("fairscreen.TextCatPieces.v1")
def build_pieces_classifier(
    ngram_size: int, length: int, personal: bool = True, nO: int | None = None
) -> Model:
    """Return a multi-label linear classifier over lower-cased n-grams and word pieces.

    With `personal`, every word of a sentence that also holds a personal word (I, my, his,
    mother, colleague) counts a second time, as a word said about a person: a linear model
    can then weigh 'insulin' in 'my insulin' apart from 'insulin' in a pharmacy protocol.
    """
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer = resizable(
        sparse_linear,
        resize_layer=partial(resize_linear_weighted, fill_defaults={"b": NEG_VALUE, "W": 0}),
    )
    features = Model("fairscreen_pieces", _forward,
                     attrs={"ngram_size": ngram_size, "personal": personal})
    model = with_cpu(chain(features, resizable_layer), features.ops)
    model = chain(model, with_cpu(Logistic(), model.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = True
    model.attrs[READS_LOWER_ONLY] = True  # see score_slices
    model.attrs["resize_output"] = partial(
        resize_and_set_ref, resizable_layer=resizable_layer
    )
    return model


def _word(key: int, strings) -> tuple[tuple[int, ...], bool, bool, int]:
    """Return a lower-cased word's pieces, whether it ends a sentence or makes it personal,
    and its 'said about a person' key; computed once per word."""
    found = _WORDS.get(key)
    if found is None:
        text = strings[key]
        pieces = ((hash_string("<" + text[:PREFIX]), hash_string(text[-SUFFIX:] + ">"))
                  if len(text) >= PIECE_FROM and text.isalpha() else ())
        ends = text in _SENTENCE_ENDS or "\n" in text
        found = (pieces, ends, text in PERSONAL, hash_string("P|" + text))
        if len(_WORDS) >= _WORDS_MAX:
            _WORDS.clear()
        _WORDS[key] = found
    return found


_WORDS: dict[int, tuple[tuple[int, ...], bool, bool, int]] = {}


def _extra_keys(keys: list[int], strings, personal: bool) -> list[int]:
    """Return the piece keys of long words and, with `personal`, the 'said about a person'
    keys of every word of a sentence that holds a personal word."""
    out: list[int] = []
    sentence: list[int] = []
    about_someone = False
    for key in keys:
        pieces, ends, is_personal, said = _word(key, strings)
        out.extend(pieces)
        if not personal:
            continue
        if ends:
            if about_someone:
                out.extend(sentence)
            sentence, about_someone = [], False
            continue
        sentence.append(said)
        about_someone = about_someone or is_personal
    if about_someone:
        out.extend(sentence)
    return out


def _forward(model: Model, docs, is_train: bool):
    ops = model.ops
    xp = ops.xp
    batch_keys, batch_vals = [], []
    for doc in docs:
        words = ops.asarray(doc.to_array([LOWER]))
        grams = [words]
        for n in range(2, model.attrs["ngram_size"] + 1):
            grams.append(ops.ngrams(n, words))
        pieces = _extra_keys(words.ravel().tolist(), doc.vocab.strings,
                             model.attrs["personal"])
        if pieces:
            grams.append(xp.asarray(pieces, dtype=words.dtype))
        keys, vals = xp.unique(xp.concatenate(grams), return_counts=True)
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = ops.asarray([len(keys) for keys in batch_keys], dtype="int32")
    keys = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals = ops.asarray(xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f")

    def backprop(d_output):
        return []

    return (keys, vals, lengths), backprop


class _Slice:
    """Tokens start..end of a Doc, as the pieces model reads them (lower-cased word keys)."""

    __slots__ = ("vocab", "_lower")

    def __init__(self, vocab, lower) -> None:
        self.vocab = vocab
        self._lower = lower

    def __len__(self) -> int:
        return len(self._lower)

    def to_array(self, attrs):
        if list(attrs) != [LOWER]:
            raise ValueError("a token slice holds the LOWER attribute only")
        return self._lower


def score_slices(textcat: TextCategorizer, doc: Doc,
                 bounds: list[tuple[int, int]]) -> list[dict[str, float]]:
    """Return the classifier's label scores for each token range of `doc`, as if each were a
    Doc of its own, without tokenizing it again or copying its tokens.

    The pieces model reads a Doc's LOWER array only, so a slice of the post's array is all
    it needs; any other architecture gets real Docs.
    """
    if not textcat.model.attrs.get(READS_LOWER_ONLY):
        parts = [doc[start:end].as_doc() for start, end in bounds]
        return [dict(part.cats) for part in textcat.pipe(parts)]
    lower = doc.to_array([LOWER])
    slices = [_Slice(doc.vocab, lower[start:end]) for start, end in bounds]
    scores = textcat.model.predict(slices)
    labels = textcat.labels
    return [{label: float(row[j]) for j, label in enumerate(labels)} for row in scores]
