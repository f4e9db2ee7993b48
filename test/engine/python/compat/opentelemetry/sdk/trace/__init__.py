"""TracerProvider is imported for a type and constructed only when tracing is requested."""


class TracerProvider:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "opentelemetry stand-in (test/engine/python/compat): tracing was requested; install the real opentelemetry-sdk"
        )

    def shutdown(self) -> None:  # pragma: no cover - never constructed
        pass
