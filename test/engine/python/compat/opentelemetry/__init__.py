# A stand-in for the `opentelemetry-api`/`opentelemetry-sdk` distributions, which the Pulumi Python SDK (3.248)
# imports at start-up (pulumi/runtime/_instrumentation.py) and which Debian does not package. It holds only what
# the SDK uses when no trace is requested (no TRACEPARENT): a context that can be read, attached and detached.
# Anything else raises, so a run that asks for tracing fails loudly instead of tracing nothing.
# Used by test/engine/python-consumer.test.ts only; never part of the package.
