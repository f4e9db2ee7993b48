"""Propagation is only used when TRACEPARENT is set: the stand-in refuses it."""


def extract(carrier, context=None):
    raise RuntimeError(
        "opentelemetry stand-in (test/engine/python/compat): tracing was requested (TRACEPARENT is set); "
        "install the real opentelemetry-api and opentelemetry-sdk to trace"
    )
