"""The context API, reduced to what pulumi.runtime._instrumentation calls without tracing."""

import contextvars
from typing import Any, Dict, Optional


class Context(Dict[str, Any]):
    """An immutable-by-convention mapping, as opentelemetry's Context."""


_CURRENT: contextvars.ContextVar = contextvars.ContextVar("crossmesh_otel_stand_in", default=Context())


def get_current() -> Context:
    return _CURRENT.get()


def attach(context: Context) -> contextvars.Token:
    return _CURRENT.set(context)


def detach(token: contextvars.Token) -> None:
    _CURRENT.reset(token)


def get_value(key: str, context: Optional[Context] = None) -> Any:
    return (context if context is not None else get_current()).get(key)
