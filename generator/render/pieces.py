"""Pieces: the per-entity parts of the pages and figures that show every entity.

After any edit, the pages that list every event (the timeline, the map, the sources, the
data files) must be rendered again, but almost all of each is what it was: one row per
event, one hover label per event, one JSON record per entity. A *piece* is such a part,
made by a pure function of its arguments. `piece(make, *arguments)` returns
`make(*arguments)`, computed once per build and, with the render memo (which keeps the
pieces of the units that list many entities, see generator/cache.py), once for as long as
its arguments stay the same.

A piece is kept under the function's qualified name and its arguments: an entity stands
for the digest of the file it came from (equal digests, equal entities), a piece made in
this build for the key it was made under, anything else for its value. So that nothing
outside its arguments can change its result, `make` must be a module-level function (no
closure, so it cannot capture the fact base), and its other arguments plain immutable
values: strings, numbers, dates, enums, tuples, frozen dataclasses. `pieces_of(make,
firsts, *arguments)` gives the pieces of many entities at once, more quickly. Anything
else is refused at once, so a misuse fails in the tests rather than leaving a stale row on
the site.

A process that renders a unit again (`mkdocs serve`) keeps each of its calls for the pieces
of many arguments: when all but a few of the arguments are the very objects they were, the
call takes over the others' blocks and values, and makes only the new arguments' pieces
(`PieceStore._again`).

`by_value(make, value)` is for what is worked out from a few fields of every entity, such
as the rows of a timeline or the places of the map: `value` holds only those fields, as
plain data, and the result is kept under a digest of the value itself. An edit that leaves
those fields as they were (a new title, say) finds the result kept, however many entities
it was worked out from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import marshal
import types
import zlib
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import chain, compress, count
from operator import is_not
from typing import Any, Concatenate, ParamSpec, TypeVar

import pydantic

P = ParamSpec("P")
A = TypeVar("A")
T = TypeVar("T")

PieceKey = tuple[str, tuple[Hashable, ...]]
# A piece as kept: its key (the very object it is kept under) and its value.
Piece = tuple[PieceKey, Any]
_PLAIN = (str, int, float, bool, type(None), enum.Enum, dt.date)
# Values that are their own stand-in, and whose repr gives them exactly.
PLAIN_TYPES = frozenset({str, int, float, bool, type(None), dt.date})


class PieceStore:
    """This build's pieces, and last build's pieces of the unit being rendered.

    A unit (a page or a figure, see generator/render/site.py) that is `record`ed is given
    the pieces it was made of last time and returns those it used, which the render memo
    keeps for its next render; what it no longer uses is dropped, so nothing stale piles up.
    A piece made once in a build is shared by every unit that asks for it.
    """

    def __init__(self, entity_digests: Mapping[int, str]) -> None:
        # Each entity of the build's fact base by id(), and each piece made that is not a
        # plain value: what stands for it in a key.
        self._entities: dict[int, Hashable] = {
            object_id: ("entity", d) for object_id, d in entity_digests.items()
        }
        self.used: dict[PieceKey, Piece] = {}
        self.made = 0
        self._alive: list[Any] = []
        self._names: dict[Callable[..., Any], str] = {}
        self._kept: Mapping[PieceKey, Piece] = {}
        self._touched: dict[PieceKey, Piece] | None = None
        self._block_names: dict[str, str] = {}
        self._entity_ends: dict[int, bool] | None = None
        self._unit: Hashable = None
        self._calls = 0
        self._last_calls: dict[_CallKey, _Call] = {}
        self._new_calls: dict[_CallKey, _Call] = {}
        # How many calls for the pieces of many arguments started from their last render.
        self.calls_again = 0

    def record(
        self, work: Callable[[], T], kept: Mapping[PieceKey, Piece], unit: Hashable = None
    ) -> tuple[T, dict[PieceKey, Piece]]:
        """`work()`, given the pieces `kept` from its last run; and the pieces it used.

        `unit` names what `work` renders, so that its calls for the pieces of many
        arguments can start from what the same calls gave in this process' last render of
        it (see `_again`); None: they cannot.
        """
        assert self._touched is None, "units are rendered one at a time"
        self._kept, self._touched = kept, {}
        self._unit, self._calls = unit, 0
        self._last_calls = _LAST_CALLS.get(unit, {}) if unit is not None else {}
        self._new_calls = {}
        try:
            result = work()
            if unit is not None:
                # Only this render's calls: those it no longer makes are let go.
                _LAST_CALLS[unit] = self._new_calls
            return result, self._touched
        finally:
            self._kept, self._touched, self._unit = {}, None, None
            self._last_calls, self._new_calls = {}, {}

    def get_by_value(self, make: Callable[[Any], T], value: object) -> T:
        """`make(value)`, kept under a digest of `value` (see `by_value`)."""
        name = self._name_of(make)
        try:
            # Exact and quick for the types by_value takes: a float keeps its sign and every
            # bit, True is not 1, and a string is written the same whether interned or not.
            data = marshal.dumps(value, _MARSHAL_VERSION)  # type: ignore[arg-type]
        except ValueError:
            raise TypeError(
                f"{name}: by_value takes plain data (str, int, float, bool, None, tuples), "
                f"not {_first_unplain(value) or 'this value'}"
            ) from None
        key: PieceKey = (name + VALUE_SUFFIX, (hashlib.blake2b(data, digest_size=16).hexdigest(),))
        found, made = self._kept_or_made(key, lambda: make(value))
        if made:
            self.made += 1
        if self._touched is not None:
            self._touched[key] = found
        result: T = found[1]
        return result

    def _name_of(self, make: Callable[..., Any]) -> str:
        name = self._names.get(make)
        if name is None:
            # One string object per function, which pickle then stores once.
            name = self._names[make] = f"{make.__module__}:{make.__qualname__}"
        return name

    def _kept_or_made(self, key: PieceKey, make_value: Callable[[], Any]) -> tuple[Piece, bool]:
        """The piece under `key`: the unit's kept one, else this build's, else made now
        (and whether it was made). `get_each` does the same inline, once per argument."""
        found: Piece = self._kept.get(key, _MISSING)
        if found is not _MISSING:
            return found, False
        found = self.used.get(key, _MISSING)
        if found is not _MISSING:
            return found, False
        found = self.used[key] = (key, make_value())
        return found, True

    def get(self, make: Callable[..., T], arguments: tuple[Any, ...]) -> T:
        first, *rest = arguments
        [value] = self.get_each(make, (first,), tuple(rest))
        return value

    def get_each(
        self,
        make: Callable[..., T],
        firsts: Iterable[Any],
        rest: tuple[Any, ...],
        *,
        keep: bool = True,
    ) -> list[T]:
        """`make(first, *rest)` for each of `firsts`, as `get` gives each; with `keep`
        False, the pieces are shared within this build only (see `shared`)."""
        # Some 200,000 pieces are asked for in a build of 10,000 events, nearly all through
        # here: the loop is kept lean on purpose, and what is the same for all is done once.
        name = self._name_of(make)
        entities = self._entities
        kept, used, touched, alive = self._kept, self.used, self._touched, self._alive
        tail = tuple(self._quick_stand_in(argument) for argument in rest)
        if keep and touched is not None:
            firsts = list(firsts)
            if len(firsts) >= BLOCKS_FROM:
                return self._get_blocks(make, name, firsts, rest, tail)
        values: list[T] = []
        for first in firsts:
            stand_in = entities.get(id(first))
            if stand_in is None:
                stand_in = self._quick_stand_in(first)
            # Hashing and comparing keys is most of the cost. The unit's own pieces are
            # looked up first, since in a rebuild they hold nearly all it asks for.
            key = (name, (stand_in, *tail))
            found = kept.get(key, _MISSING)
            if found is _MISSING:
                found = used.get(key, _MISSING)
                if found is _MISSING:
                    found = (key, make(first, *rest))
                    self.made += 1
                    used[key] = found
            key, value = found
            if (
                type(value) not in PLAIN_TYPES
                and value is not _NO_VALUES
                and id(value) not in entities
            ):
                # Passed on to another piece (a timeline item to its table row), it stands
                # for the key it was made under, which is quicker to hash than itself. It is
                # kept alive, so that its id() stays its own until the build ends.
                entities[id(value)] = ("piece", key)
                alive.append(value)
            if touched is not None and keep:
                # Under the very key object found, so that comparing keys later is by
                # identity.
                touched[key] = found
            values.append(value)
        return values

    def _get_blocks(
        self,
        make: Callable[..., T],
        name: str,
        firsts: list[Any],
        rest: tuple[Any, ...],
        tail: tuple[Hashable, ...],
    ) -> list[T]:
        """`get_each` for many arguments, kept as blocks of consecutive ones.

        Looking up one key per entity is most of the time a page of 10,000 events takes
        to render again; a block's key stands for dozens. Blocks end where an argument's
        digest says so (content-defined, like rsync's chunks), so an edit, an insertion or
        a move changes the block or two around it and leaves the others as they were kept.
        """
        touched = self._touched
        assert touched is not None
        block_name = self._block_names.get(name)
        if block_name is None:
            block_name = self._block_names[name] = name + BLOCK_SUFFIX
        call: _CallKey = (self._calls, name, tail)
        self._calls += 1
        names = (name, block_name)
        last = self._last_calls.get(call)
        done = self._again(last, make, names, firsts, rest, tail) if last is not None else None
        if done is None:
            stand_ins = list(map(self._entities.get, map(id, firsts)))
            for position, stand_in in enumerate(stand_ins):
                if stand_in is None:
                    stand_ins[position] = self._quick_stand_in(firsts[position])
            blocks = [
                self._block(make, names, firsts, rest, tail, stand_ins, start, end)
                for start, end in self._blocks(stand_ins)
            ]
            done = _Call(firsts, stand_ins, blocks)
        else:
            self.calls_again += 1
        if self._unit is not None:
            self._new_calls[call] = done
        for _, _, found, _ in done.blocks:
            touched[found[0]] = found
        return list(chain.from_iterable(found[1] for _, _, found, _ in done.blocks))

    def _block(
        self,
        make: Callable[..., Any],
        names: tuple[str, str],
        firsts: list[Any],
        rest: tuple[Any, ...],
        tail: tuple[Hashable, ...],
        stand_ins: list[Hashable],
        start: int,
        end: int,
        was: tuple[list[Any], tuple[Any, ...]] | None = None,
    ) -> _Block:
        """The piece of the arguments from `start` to `end` (kept, made this build, or
        made), with its values registered (see `_register`).

        `was` is the block's arguments and values in the last render: the value of an
        argument that is the very object it was is taken over rather than made again, so
        that the pieces made from these values see it unchanged too.
        """
        name, block_name = names
        key: PieceKey = (block_name, (tuple(stand_ins[start:end]), *tail))
        made_now = 0

        def make_block() -> tuple[Any, ...]:
            nonlocal made_now
            values = []
            for offset, first in enumerate(firsts[start:end]):
                if was is not None and was[0][offset] is first:
                    values.append(was[1][offset])
                else:
                    values.append(make(first, *rest))
                    made_now += 1
            return tuple(values)

        found, made = self._kept_or_made(key, make_block)
        if made:
            self.made += made_now
        return start, end, found, self._register(name, tail, stand_ins, start, found[1])

    def _register(
        self,
        name: str,
        tail: tuple[Hashable, ...],
        stand_ins: list[Hashable],
        start: int,
        values: tuple[Any, ...],
    ) -> dict[int, Hashable]:
        """Make each value that is not a plain one stand, as an argument to another piece,
        for the key it would be made under (as `get_each` does); and what each stands for,
        by id() of the value, which the block's piece keeps alive."""
        entities, alive = self._entities, self._alive
        registered: dict[int, Hashable] = {}
        for position, value in enumerate(values, start):
            if type(value) not in PLAIN_TYPES and value is not _NO_VALUES:
                if id(value) not in entities:
                    entities[id(value)] = ("piece", (name, (stand_ins[position], *tail)))
                    alive.append(value)
                registered[id(value)] = entities[id(value)]
        return registered

    def _again(
        self,
        last: _Call,
        make: Callable[..., Any],
        names: tuple[str, str],
        firsts: list[Any],
        rest: tuple[Any, ...],
        tail: tuple[Hashable, ...],
    ) -> _Call | None:
        """The call as it was in this process' last render of the unit, with the blocks of
        the arguments that are not the very objects they were made again; None if their
        number changed, if too many changed, or if one changed whether it ends a block (the
        blocks would not be those `_blocks` draws).

        An argument that is the same object stands for what it stood for (an entity for its
        file's digest, a piece for its key), so its pieces are those it was given. Looking
        up 10,000 arguments one by one and their blocks is most of what the pages that list
        every event take to render again after an edit to one of them.
        """
        if len(firsts) != len(last.firsts):
            return None
        changed = list(compress(count(), map(is_not, firsts, last.firsts)))
        if len(changed) * 8 > len(firsts):
            return None  # as quick to start afresh
        stand_ins = list(last.stand_ins)
        for position in changed:
            stand_in = self._quick_stand_in(firsts[position])
            if self._ends(stand_in) != self._ends(stand_ins[position]):
                return None
            stand_ins[position] = stand_in
        blocks = list(last.blocks)
        ends = [end for _, end, _, _ in blocks]
        remade = {bisect_right(ends, position) for position in changed}
        for number, (_, _, _, registered) in enumerate(blocks):
            if number not in remade:
                # Its values are alive (its piece holds them) and stand for what they did.
                self._entities.update(registered)
        self._alive.append(last)  # the values taken over from it, until the build ends
        for number in sorted(remade):
            start, end, (_, values), _ = blocks[number]
            was = (last.firsts[start:end], values)
            blocks[number] = self._block(
                make, names, firsts, rest, tail, stand_ins, start, end, was
            )
        return _Call(firsts, stand_ins, blocks)

    def _ends(self, stand_in: Hashable) -> bool:
        ends = self._entity_ends.get(id(stand_in)) if self._entity_ends is not None else None
        return self._ends_block(stand_in) if ends is None else ends

    def _blocks(self, stand_ins: list[Hashable]) -> Iterator[tuple[int, int]]:
        if self._entity_ends is None:
            # Where each entity ends a block, by id() of its stand-in, which lives as long as
            # this store: looked up once per argument, so worked out once per build.
            self._entity_ends = {
                id(stand_in): self._ends_block(stand_in)
                for stand_in in self._entities.values()
                if type(stand_in) is tuple and stand_in[0] == "entity"
            }
        entity_ends = self._entity_ends
        start = 0
        for position, stand_in in enumerate(stand_ins, 1):
            ends = entity_ends.get(id(stand_in))
            if ends is None:
                ends = self._ends_block(stand_in)
            if ends or position - start >= BLOCK_MOST:
                yield start, position
                start = position
        if start < len(stand_ins):
            yield start, len(stand_ins)

    @staticmethod
    def _ends_block(stand_in: Hashable) -> bool:
        digest = _anchor(stand_in)
        if digest is None:
            return False  # blocks of such arguments end by length only
        ends = _BLOCK_ENDS.get(digest)
        if ends is None:
            ends = zlib.crc32(digest.encode()) % BLOCK_MEAN == 0
            if len(_BLOCK_ENDS) >= _BLOCK_ENDS_KEPT:
                _BLOCK_ENDS.clear()
            _BLOCK_ENDS[digest] = ends
        return ends

    def _quick_stand_in(self, value: object) -> Hashable:
        found = self._entities.get(id(value))
        if found is not None:
            return found
        return value if type(value) in PLAIN_TYPES else self._stand_in(value)

    def _stand_in(self, value: object) -> Hashable:
        """What stands for an argument in a piece's key: an entity's digest, or its value."""
        entity = self._entities.get(id(value))
        if entity is not None:
            return entity
        if type(value) in PLAIN_TYPES or isinstance(value, _PLAIN):
            return value
        if isinstance(value, pydantic.BaseModel):
            raise TypeError(f"a piece's {type(value).__name__} must be a whole entity")
        if isinstance(value, tuple):
            # Most are tuples of entities, or of strings: their stand-ins in one go.
            # At C speed: the events of a page that lists them all are 10,000.
            entities = list(map(self._entities.get, map(id, value)))
            if None not in entities:
                return ("tuple", tuple(entities))
            if all(type(v) in PLAIN_TYPES for v in value):
                return ("tuple", value)
            kind = type(value[0]) if value else None
            if kind in _VALUE_TYPES and all(type(v) is kind for v in value):
                return ("tuple", tuple((kind, tuple(vars(v).values())) for v in value))
            return ("tuple", tuple(self._stand_in(v) for v in value))
        if type(value) in _VALUE_TYPES or _is_value_object(value):
            if type(value) in _VALUE_TYPES:
                # Its class and its fields' values: compared and hashed without Python code.
                return (type(value), tuple(vars(value).values()))
            return value  # hashable: checked above
        raise TypeError(f"a piece cannot take a {type(value).__qualname__}: not a plain value")


_MISSING: Any = object()


# A block of a call: its span of arguments, its piece, and what each of its values that is
# not a plain one stands for as an argument, by id() of the value (which the piece holds).
_Block = tuple[int, int, Piece, dict[int, Hashable]]


@dataclass(frozen=True)
class _Call:
    """One call for the pieces of many arguments, as it went (see PieceStore._again)."""

    firsts: list[Any]  # kept alive: an argument that is the same object is unchanged
    stand_ins: list[Hashable]
    blocks: list[_Block]


# A call's position in its unit's render, the maker's name and the stand-ins of the other
# arguments.
_CallKey = tuple[int, str, tuple[Hashable, ...]]
# The calls for the pieces of many arguments that each unit made in this process' last
# render of it.
_LAST_CALLS: dict[Hashable, dict[_CallKey, _Call]] = {}
# The empty tuple is one object, which many makers return: it stands for itself, not for
# the piece of whichever argument gave it first.
_NO_VALUES: tuple[()] = ()


def forget_calls() -> None:
    """Drop the calls kept for the next render (see _LAST_CALLS)."""
    _LAST_CALLS.clear()


# `get_each` keeps the pieces of this many arguments or more in blocks of about BLOCK_MEAN
# (BLOCK_MOST at most); fewer, one by one.
BLOCKS_FROM = 256
BLOCK_MEAN = 64
BLOCK_MOST = 256
BLOCK_SUFFIX = "#block"
VALUE_SUFFIX = "#value"
# Whether each digest met ends a block: a process that builds again and again (`mkdocs
# serve`) works it out once per entity, not once per build. Bounded, as digests come and go.
_BLOCK_ENDS: dict[str, bool] = {}
_BLOCK_ENDS_KEPT = 200_000
# Version 2: floats as their exact bits, and no back-references, whose use would depend on
# which equal objects happen to be one object.
_MARSHAL_VERSION = 2


def _first_unplain(value: object) -> str:
    """The type of the first part of `value` that by_value cannot take, for the error."""
    if isinstance(value, tuple):
        for item in value:
            found = _first_unplain(item)
            if found:
                return found
        return ""
    return "" if type(value) in (str, int, float, bool, type(None)) else type(value).__qualname__


def pieces_in(used: Mapping[PieceKey, Piece]) -> int:
    """How many pieces `used` holds, counting each of a block's."""
    return sum(len(value) if key[0].endswith(BLOCK_SUFFIX) else 1 for key, value in used.values())


def _anchor(stand_in: Hashable) -> str | None:
    """The digest of the entity a stand-in comes from, or the fields of the record it
    stands for (a citation, say), if any: where blocks may end."""
    while type(stand_in) is tuple and stand_in:
        tag = stand_in[0]
        if tag == "entity":
            digest = stand_in[1]
            return digest if isinstance(digest, str) else None
        if isinstance(tag, type):  # (type, its fields' values): a value object
            return f"{tag.__qualname__}{stand_in[1]!r}"
        if tag == "piece":  # ("piece", (name, (first, *rest)))
            arguments = stand_in[1][1]
        elif tag == "tuple":  # ("tuple", (first, *rest))
            arguments = stand_in[1]
        else:
            return None
        if not arguments:
            return None
        stand_in = arguments[0]
    return None


# Frozen dataclass types found to hold only hashable values: no need to check them again.
_VALUE_TYPES: set[type] = set()


def _is_value_object(value: object) -> bool:
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return False
    if not type(value).__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return False
    try:
        hash(value)  # a frozen dataclass holding a dict or a list cannot be a key
    except TypeError:
        return False
    fields = [f.name for f in dataclasses.fields(value)]
    plain = all(type(getattr(value, name)) in PLAIN_TYPES for name in fields)
    if plain and hasattr(value, "__dict__") and list(vars(value)) == fields:
        _VALUE_TYPES.add(type(value))
    return True


_store: ContextVar[PieceStore | None] = ContextVar("piece_store", default=None)


@contextmanager
def active(store: PieceStore) -> Iterator[PieceStore]:
    """Pieces made inside the block are looked up in, and kept by, `store`."""
    token = _store.set(store)
    try:
        yield store
    finally:
        _store.reset(token)


def piece(make: Callable[Concatenate[A, P], T], first: A, *args: P.args, **kwargs: P.kwargs) -> T:
    """`make(first, *args)`, from the active store if it has it (see the module docstring)."""
    store = _store_for(make, kwargs)
    if store is None:
        return make(first, *args, **kwargs)  # kwargs: none, refused above
    return store.get(make, (first, *args))


def pieces_of(
    make: Callable[Concatenate[A, P], T], firsts: Iterable[A], *args: P.args, **kwargs: P.kwargs
) -> list[T]:
    """`[piece(make, first, *args) for first in firsts]`, looked up in one go."""
    store = _store_for(make, kwargs)
    if store is None:
        return [make(first, *args, **kwargs) for first in firsts]  # kwargs: none, refused
    return store.get_each(make, firsts, args)


def by_value(make: Callable[[A], T], value: A) -> T:
    """`make(value)`, kept under a digest of `value`, which must be plain data: str, int,
    float, bool, None and tuples of them (see the module docstring).

    Checking every part of a large value would cost what keeping it saves, so only what
    marshal refuses (an entity, a date, an enum) is refused. Marshal also takes sets, whose
    order varies between processes, and bytes, which it writes as it writes a bytearray:
    neither must be passed. The result is shared with every unit that asks with an equal
    value and kept with the unit's pieces, so it must be immutable.
    """
    store = _store_for(make, {})
    if store is None:
        return make(value)
    return store.get_by_value(make, value)


def shared(make: Callable[Concatenate[A, P], T], first: A, *args: P.args, **kwargs: P.kwargs) -> T:
    """`make(first, *args)`, made once in a build for several units, and never kept after it.

    For what several pages of one build compute from the same many entities (the lanes of
    the timeline, the places of the map): its arguments are keyed as a piece's, and its
    value, which may hold this build's entities, is dropped with the build.
    """
    store = _store_for(make, kwargs)
    if store is None:
        return make(first, *args, **kwargs)  # kwargs: none, refused above
    [value] = store.get_each(make, (first,), args, keep=False)
    return value


def _store_for(make: object, keywords: Mapping[str, object]) -> PieceStore | None:
    """The active store, once `make` and the way it is called are found fit for pieces."""
    if keywords:
        raise TypeError("pass a piece's arguments by position")
    if make not in _MAKERS:
        _check_maker(make)
        _MAKERS.add(make)
    return _store.get()


# The functions already found fit to make pieces.
_MAKERS: set[object] = set()


def _check_maker(make: object) -> None:
    # Not a closure (it could hold the fact base), nor a lambda or a nested function (two
    # of them can share a qualified name, and so their pieces' keys).
    if (
        not isinstance(make, types.FunctionType)
        or make.__closure__ is not None
        or "<" in make.__qualname__
    ):
        raise TypeError(f"{make!r}: a piece is made by a module-level function")
