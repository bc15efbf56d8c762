"""Type checks of props, driven by the dataclass annotations (one mechanism for every props class).

Every props class calls :func:`require_types` first in ``__post_init__``: a value of the wrong
type (``cpu="256"``, ``deployment=Rolling`` instead of ``Rolling()``, a VPC id string where an
``ec2.IVpc`` is expected, a number among ``environment``'s values) is reported as a
:class:`ConfigurationError` naming the prop, before any value check reads it, instead of failing
later inside jsii or aws-cdk-lib.

The annotations are resolved once per class with :func:`typing.get_type_hints` and compiled into
checkers; names imported only under ``TYPE_CHECKING`` resolve lazily, when a value has to be
checked against them (an empty ``hooks`` mapping never imports aws_lambda). The checks are
Python-side ``isinstance`` tests, never a jsii kernel call, except for the rare number near
1.9e289 that may be a number token (asked once, as :func:`is_token` does).

jsii interfaces (``acm.ICertificate``, ``ec2.IVpc``...) are ``typing.Protocol`` classes that are
not runtime-checkable. An object implements one when its class, or a class in its MRO, lists the
interface (or a sub-interface) in ``__jsii_ifaces__`` (set by ``jsii.implements``), when it is an
instance of the interface's generated proxy class, or, for objects the kernel returns without a
Python class (``acm.Certificate.from_certificate_arn``, ``ec2.Vpc.from_lookup``), when one of
the delegates of its ``InterfaceDynamicProxy`` does.

Long module: one mechanism: resolving annotations (including names imported only for type
checking), recognizing jsii interfaces and imported resources, and wording the messages; its
parts are only used together.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import dataclasses
import importlib
import importlib.util
import inspect
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration

from ._errors import ConfigurationError, Problem
from ._validation import is_token

__all__ = ["check_types", "require_types"]

_NUMBER_TOKEN_MIN_MAGNITUDE = 1e280  # as in _validation: cheaper than asking the kernel


@dataclass(frozen=True)
class _Mismatch:
    """``value`` (found at ``where`` inside the prop, "" for the prop itself) is not a ``hint``."""

    where: str
    value: object
    hint: Any


_Checker = Callable[[object], "_Mismatch | None"]


def check_types(instance: object) -> list[Problem]:
    """The type problems of a dataclass instance: one per field whose value does not match its
    annotation. Empty when every field has the annotated type (or is an unresolved token)."""
    problems: list[Problem] = []
    for name, checker in _checkers(type(instance)):
        value = getattr(instance, name)
        mismatch = checker(value)
        if mismatch is not None:
            problems.append(_problem(type(instance).__name__, name, value, mismatch))
    return problems


def require_types(instance: object) -> None:
    """Raise a ConfigurationError naming ``instance``'s class if any field has the wrong type."""
    problems = check_types(instance)
    if problems:
        raise ConfigurationError(type(instance).__name__, problems)


# --- annotations -> checkers, once per class ------------------------------------------------

_CLASS_CHECKERS: dict[type, tuple[tuple[str, _Checker], ...]] = {}


def _checkers(cls: type) -> tuple[tuple[str, _Checker], ...]:
    cached = _CLASS_CHECKERS.get(cls)
    if cached is None:
        hints = _type_hints(cls)
        cached = tuple(
            (f.name, _compile(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.init and f.name in hints
        )
        _CLASS_CHECKERS[cls] = cached
    return cached


def _type_hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except NameError:
        pass
    # A name imported only under TYPE_CHECKING: resolve it from the TYPE_CHECKING imports of
    # the modules of the class and its bases, lazily (imported when a value needs it).
    lazy = _LazyNames(
        [sys.modules[c.__module__] for c in cls.__mro__ if c.__module__ in sys.modules]
    )
    try:
        return typing.get_type_hints(cls, localns=lazy)
    except NameError:
        pass
    # Still unresolved (a name no module defines): resolve field by field; a field whose
    # annotation cannot be resolved is not judged, rather than failing every construction.
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__module__)
        globalns = vars(module) if module is not None else {}
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            try:
                hints[name] = (
                    eval(annotation, globalns, lazy) if isinstance(annotation, str) else annotation
                )
            except Exception:
                hints[name] = Any
    return hints


class _LazyNames(cabc.Mapping[str, Any]):
    """The names modules import under ``if TYPE_CHECKING:``, as :class:`_Lazy` placeholders.

    Used as the local namespace of ``get_type_hints``; every other name falls through to the
    class's module globals.
    """

    def __init__(self, modules: list[types.ModuleType]) -> None:
        self._imports: dict[str, tuple[str, str | None]] = {}
        for module in reversed(modules):  # the class's own module wins
            self._imports.update(_type_checking_imports(module))

    def __getitem__(self, name: str) -> Any:
        return _Lazy(self._imports[name], ())

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._imports)

    def __len__(self) -> int:
        return len(self._imports)


def _type_checking_imports(module: types.ModuleType) -> dict[str, tuple[str, str | None]]:
    """name -> (module to import, attribute of it or None) for the TYPE_CHECKING imports."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return {}
    package = module.__package__ or ""
    found: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name != "TYPE_CHECKING":
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        found[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        found[top] = (top, None)
            elif isinstance(stmt, ast.ImportFrom):
                base = "." * stmt.level + (stmt.module or "")
                absolute = importlib.util.resolve_name(base, package) if stmt.level else base
                for alias in stmt.names:
                    found[alias.asname or alias.name] = (absolute, alias.name)
    return found


@dataclass(frozen=True)
class _Lazy:
    """A TYPE_CHECKING-only name (and attributes of it), imported when first needed."""

    origin: tuple[str, str | None]
    attrs: tuple[str, ...]

    def __getattr__(self, name: str) -> _Lazy:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Lazy(self.origin, (*self.attrs, name))

    def __call__(self) -> None:  # typing accepts only callables as types
        raise TypeError("a lazily resolved annotation is not callable")

    def __or__(self, other: Any) -> Any:
        return typing.Union[self, other]  # noqa: UP007 (the | operator needs real types)

    def __ror__(self, other: Any) -> Any:
        return typing.Union[other, self]  # noqa: UP007

    def resolve(self) -> Any:
        module_name, attr = self.origin
        value: Any = importlib.import_module(module_name)
        if attr is not None:
            value = getattr(value, attr)
        for name in self.attrs:
            value = getattr(value, name)
        return value


def _compile(hint: Any) -> _Checker:
    """A checker for ``hint``: returns None when a value matches, else a :class:`_Mismatch`."""
    if isinstance(hint, _Lazy):
        resolved: list[_Checker] = []

        def lazy(value: object) -> _Mismatch | None:
            if not resolved:
                resolved.append(_compile(hint.resolve()))
            return resolved[0](value)

        return lazy
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar):
        return _always_ok
    if hint is None or hint is type(None):
        return _exact(lambda v: v is None, hint)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union([_compile(a) for a in args], hint)
    if origin is typing.Literal:
        # The type of a Literal is the type of its members: ``"MANUAL"`` for
        # ``Literal["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]`` is a str of the wrong value, which the
        # props' value checks report beside every other bad value; ``1`` is the wrong type.
        member_types = tuple({type(a) for a in args})
        return _exact(lambda v: type(v) in member_types, hint)
    if origin is not None and inspect.isclass(origin):
        return _generic(origin, args, hint)
    if hint is int:
        return _exact(_is_int, hint)
    if hint is float:
        return _exact(_is_number, hint)
    if hint is bool:
        return _exact(lambda v: isinstance(v, bool), hint)
    if hint is str:
        return _exact(lambda v: isinstance(v, str), hint)
    if inspect.isclass(hint):
        return _class(hint)
    return _always_ok  # an annotation form this module does not judge


def _always_ok(value: object) -> _Mismatch | None:
    return None


def _exact(ok: Callable[[object], bool], hint: Any) -> _Checker:
    def check(value: object) -> _Mismatch | None:
        return None if ok(value) else _Mismatch("", value, hint)

    return check


def _is_number_token(value: object) -> bool:
    return (
        isinstance(value, float) and abs(value) >= _NUMBER_TOKEN_MIN_MAGNITUDE and is_token(value)
    )


def _is_int(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or _is_number_token(value)


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


def _union(checkers: list[_Checker], hint: Any) -> _Checker:
    def check(value: object) -> _Mismatch | None:
        inner: _Mismatch | None = None
        for checker in checkers:
            mismatch = checker(value)
            if mismatch is None:
                return None
            if mismatch.where and inner is None:
                inner = mismatch  # the container matched, an element did not: say which
        return inner or _Mismatch("", value, hint)

    return check


def _generic(origin: type, args: tuple[Any, ...], hint: Any) -> _Checker:
    if issubclass(origin, cabc.Mapping):
        key = _compile(args[0]) if args else _always_ok
        val = _compile(args[1]) if len(args) > 1 else _always_ok

        def check_mapping(value: object) -> _Mismatch | None:
            if not isinstance(value, cabc.Mapping):
                return _Mismatch("", value, hint)
            for k, v in value.items():
                bad = key(k)
                if bad is not None:
                    return _Mismatch(f" key {k!r}", k, bad.hint)
                bad = val(v)
                if bad is not None:
                    return _Mismatch(f"[{k!r}]{bad.where}", bad.value, bad.hint)
            return None

        return check_mapping
    if issubclass(origin, (cabc.Sequence, cabc.Set)) and origin not in (str, bytes):
        homogeneous = origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)
        item = _compile(args[0]) if args and homogeneous else _always_ok
        accepted: tuple[type, ...]
        if origin in (cabc.Sequence, typing.Sequence):
            accepted = (list, tuple)
        elif origin in (cabc.Set, frozenset):
            accepted = (frozenset,) if origin is frozenset else (frozenset, set)
        else:
            accepted = (origin,)

        def check_collection(value: object) -> _Mismatch | None:
            if not isinstance(value, accepted):
                return _Mismatch("", value, hint)
            assert isinstance(value, cabc.Iterable)
            for i, element in enumerate(value):
                bad = item(element)
                if bad is not None:
                    where = f"[{i}]" if isinstance(value, cabc.Sequence) else f" element {i}"
                    return _Mismatch(f"{where}{bad.where}", bad.value, bad.hint)
            return None

        return check_collection
    return _class(origin)


# --- classes: plain, jsii classes, jsii interfaces -------------------------------------------


def _is_jsii_interface(cls: type) -> bool:
    return bool(getattr(cls, "_is_protocol", False)) and hasattr(cls, "__jsii_proxy_class__")


def _class(cls: type) -> _Checker:
    if _is_jsii_interface(cls):
        proxy: type = cls.__jsii_proxy_class__()  # type: ignore[attr-defined]

        def implements(value: object) -> bool:
            return any(_implements(type(d), cls, proxy) for d in _delegates(value))

        ok: Callable[[object], bool] = implements
    elif getattr(cls, "_is_protocol", False):
        if not getattr(cls, "_is_runtime_protocol", False):
            return _always_ok  # a Protocol without runtime checks: not judged here
        # A runtime Protocol only asks for attributes, which a class has as well as its
        # instances: a class given where an instance is expected is still the wrong type.
        ok = lambda value: not isinstance(value, type) and isinstance(value, cls)  # noqa: E731
    else:

        def ok(value: object) -> bool:
            return any(isinstance(d, cls) for d in _delegates(value))

    def check(value: object) -> _Mismatch | None:
        return None if ok(value) else _Mismatch("", value, cls)

    return check


def _delegates(value: object) -> tuple[object, ...]:
    """The objects behind ``value``: the delegates of a jsii ``InterfaceDynamicProxy`` (what the
    kernel returns for an imported resource of a private JavaScript class), else ``value``."""
    if type(value).__name__ == "InterfaceDynamicProxy":
        delegates = vars(value).get("_delegates")
        if isinstance(delegates, list):
            return tuple(delegates)
    return (value,)


_IMPLEMENTS: dict[tuple[type, type], bool] = {}


def _implements(klass: type, iface: type, proxy: type) -> bool:
    key = (klass, iface)
    known = _IMPLEMENTS.get(key)
    if known is None:
        known = issubclass(klass, proxy) or any(
            iface in getattr(declared, "__mro__", ())
            for base in klass.__mro__
            for declared in vars(base).get("__jsii_ifaces__", ())
        )
        _IMPLEMENTS[key] = known
    return known


# --- messages --------------------------------------------------------------------------------


def _describe(hint: Any) -> str:
    """A short description of ``hint`` for messages: ``a list or tuple of str``."""
    if hint is None or hint is type(None):
        return "None"
    if isinstance(hint, _Lazy):
        hint = hint.resolve()
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " or ".join(_describe(a) for a in args)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is not None and inspect.isclass(origin):
        if issubclass(origin, cabc.Mapping) and len(args) == 2:
            return f"a mapping (dict) of {_bare(args[0])} to {_bare(args[1])}"
        if origin is frozenset and args:
            return f"a frozenset of {_bare(args[0])}"
        if issubclass(origin, (cabc.Sequence, cabc.Set)) and args:
            return f"a list or tuple of {_bare(args[0])}"
        return _article(_name(origin))
    simple = {int: "an int", float: "a number (int or float)", bool: "a bool", str: "a str"}
    if hint in simple:
        return simple[hint]
    if inspect.isclass(hint):
        if _is_jsii_interface(hint):
            return f"an object implementing {_name(hint)}"
        return _article(_name(hint))
    return str(hint)


def _bare(hint: Any) -> str:
    """``_describe`` without the article, for ``a list of X``."""
    text = _describe(hint)
    for article in ("a ", "an "):
        if text.startswith(article):
            return text[len(article) :]
    return text


def _name(cls: type) -> str:
    """``aws_ecs.Secret`` for aws-cdk-lib submodules, ``Duration``, ``Rolling``."""
    module = cls.__module__
    if module.startswith("aws_cdk.") and not module.startswith("aws_cdk.interfaces"):
        return f"{module.rsplit('.', 1)[-1]}.{cls.__qualname__}"
    return cls.__qualname__


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _type_of(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, type):
        return f"the class {value.__qualname__}"
    if type(value).__name__ == "InterfaceDynamicProxy":
        return "a jsii object of another type"
    return _article(_name(type(value)))


def _problem(props_class: str, prop: str, value: object, mismatch: _Mismatch) -> Problem:
    where = f"{prop}{mismatch.where}"
    got = mismatch.value
    expected = _describe(mismatch.hint)
    allowed = f"{expected} (the type is wrong: {where} is {_type_of(got)})"
    return Problem(
        prop=prop,
        value=got,
        allowed=allowed,
        fix=_fix(props_class, where, got, mismatch.hint, expected),
    )


def _fix(props_class: str, where: str, got: object, hint: Any, expected: str) -> str:
    classes = _classes_in(hint)
    if isinstance(got, type):
        for cls in classes:
            if _is_jsii_interface(cls):
                proxy: type = cls.__jsii_proxy_class__()  # type: ignore[attr-defined]
                matches = _implements(got, cls, proxy)
            else:
                matches = not getattr(cls, "_is_protocol", False) and issubclass(got, cls)
            if matches:
                return (
                    f"{where} got the class {got.__qualname__}; pass an instance: "
                    f"{got.__qualname__}()."
                )
    if isinstance(got, str) and (int in classes or float in classes):
        number = _as_number(got)
        if number is not None:
            return f"Pass {where}={number!r} without quotes: a number, not a string."
    if isinstance(got, float) and int in classes and got.is_integer():
        return f"Pass {where}={int(got)} (a whole number, not a float)."
    if isinstance(got, bool) and (int in classes or float in classes):
        return f"Pass {where} as a number; True and False are not numbers."
    if isinstance(got, str) and any(_is_collection(h) for h in _alternatives(hint)):
        return f"Wrap the string in a list: {where}=[{got!r}]."
    if str in classes and isinstance(got, (int, float)) and not isinstance(got, bool):
        return f"Pass {where} as a string: {str(got)!r}."
    if Duration in classes and _is_number(got):
        return f"Pass {where}=Duration.seconds({got!r}) (a Duration, not a bare number)."
    if isinstance(got, str) and any(_is_jsii_interface(c) for c in classes):
        return (
            f"Pass an object, not its id or ARN: import the existing resource into the stack "
            f"(e.g. a from_* method such as Vpc.from_lookup or "
            f"Certificate.from_certificate_arn) and pass that for {where}."
        )
    factories = [
        f"{_name(c)}.{name}(...)"
        for c in classes
        if hasattr(c, "__jsii_type__")
        for name in sorted(vars(c))
        if name.startswith("from_")
    ]
    example = f", e.g. {' or '.join(factories[:2])}" if factories else ""
    return f"Pass {expected} for {where}{example} (see the {props_class} docstring)."


def _alternatives(hint: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return (hint,)


def _classes_in(hint: Any) -> list[type]:
    out: list[type] = []
    for alt in _alternatives(hint):
        if isinstance(alt, _Lazy):
            alt = alt.resolve()
        origin = typing.get_origin(alt)
        if inspect.isclass(alt) and origin is None:
            out.append(alt)
        elif origin is not None and inspect.isclass(origin):
            out.append(origin)
    return out


def _is_collection(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    return (
        origin is not None
        and inspect.isclass(origin)
        and issubclass(origin, (cabc.Sequence, cabc.Set))
        and origin not in (str, bytes)
    )


def _as_number(text: str) -> int | float | None:
    try:
        return int(text.strip())
    except ValueError:
        pass
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None
