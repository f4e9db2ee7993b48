"""The trace API: only set_tracer_provider is named by the Pulumi SDK, and only when tracing is requested."""


def set_tracer_provider(provider) -> None:
    raise RuntimeError(
        "opentelemetry stand-in (test/engine/python/compat): tracing was requested; install the real opentelemetry-sdk"
    )
